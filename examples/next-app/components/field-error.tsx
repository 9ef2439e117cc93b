import type { ErrorDescription } from '@sora-kit/react';

/** The id of a field's error message, for `aria-describedby`. */
export const errorIdOf = (field: string) => `${field}-error`;

/** The props that mark a form control invalid when `problem` names its field. */
export function invalidProps(problem: ErrorDescription | undefined, field: string, hint?: string) {
  const invalid = problem?.field === field;
  const describedBy = [invalid ? errorIdOf(field) : undefined, hint].filter(Boolean).join(' ');
  return { 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy || undefined };
}

/** The message of an error that names `field`, under that field, with its full text behind Details. */
export function FieldError({ problem, field }: { problem: ErrorDescription | undefined; field: string }) {
  if (problem?.field !== field) return null;
  return (
    <div className="field-problem">
      <p id={errorIdOf(field)} className="field-error" role="alert">
        {problem.message}
      </p>
      <details>
        <summary>Details</summary>
        <code>{problem.details}</code>
      </details>
    </div>
  );
}
