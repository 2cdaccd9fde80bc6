/** The devtools page: its only job is to add the Ephemera panel. */
import browser from "webextension-polyfill"

browser.devtools.panels.create("Ephemera", "/extension/icons/icon-16.png", "/devtools-panel/index.html")
