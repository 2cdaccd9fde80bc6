/** The devtools page: its only job is to add the Ephemera panel. */
import browser from "webextension-polyfill"
import { reportErrorsForTests } from "./test-seams/error-report"

// Test builds only (build-flags.d.ts): the e2e tests fail on any error here.
if (typeof __EPHEMERA_TEST_SEAMS__ === "boolean" && __EPHEMERA_TEST_SEAMS__) reportErrorsForTests("devtools page")

browser.devtools.panels.create("Ephemera", "/extension/icons/icon-16.png", "/devtools-panel/index.html")
