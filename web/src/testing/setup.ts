import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// dotnet test runs these beside the end-to-end tests and the rest of the suite on two cores: findBy* waits for
// its element up to 10 s (it returns as soon as the element is there).
configure({ asyncUtilTimeout: 10_000 });

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});
