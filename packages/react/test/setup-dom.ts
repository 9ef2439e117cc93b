import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// Unmount what each test rendered (Testing Library does this itself only with vitest's globals on).
afterEach(() => cleanup());

// `waitFor` waits for an event (a render that passes its check); its default limit of 1 s is a guess at a
// loaded machine's speed, and failed there (a resumed job shown after more than a second). The limit only
// guards against a hang: the test's own timeout still bounds it.
configure({ asyncUtilTimeout: 15_000 });
