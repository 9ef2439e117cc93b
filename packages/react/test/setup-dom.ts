import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Unmount what each test rendered (Testing Library does this itself only with vitest's globals on).
afterEach(() => cleanup());
