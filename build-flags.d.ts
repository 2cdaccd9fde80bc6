/**
 * Constants the build replaces (vite.config.ts `define`, and vitest.config.ts
 * for the unit tests). Read them through `typeof`, so that code run without
 * a build (tsx: the benchmarks, scripts) sees them as off.
 */

/**
 * True in the test builds (EPHEMERA_TEST_SEAMS=1: dist/test/…) that the
 * end-to-end tests load: they expose `window.__ephemera*` globals and the
 * hook's fault injection. False in the shipped builds, whose minifier then
 * drops that code.
 */
declare const __EPHEMERA_TEST_SEAMS__: boolean
