"""Watch a Chromium page for Content-Security-Policy violations and running script.

Two independent witnesses of a blocked inline script or style: the
``securitypolicyviolation`` DOM event (recorded by a script the DevTools protocol
injects before any of the page's own, so the page's policy does not apply to it)
and Chromium's console message ("Refused to execute inline script…"). A third
watches for script that did run: any dialog, or the sentinel global that the
injection payloads set.
"""

from dataclasses import dataclass, field

from playwright.sync_api import ConsoleMessage, Dialog, Page

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber} ${event.sample}`
  );
});
"""


@dataclass
class PageWatch:
    """What a page did that it should not have: violations, console errors, dialogs."""

    page: Page
    console: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.add_init_script(RECORD_VIOLATIONS)
        self.page.on("console", self._on_console)
        self.page.on("dialog", self._on_dialog)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            self.console.append(message.text)

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def csp_console_messages(self) -> list[str]:
        return [text for text in self.console if "Content Security Policy" in text]

    def violations(self) -> list[str]:
        """Violations the current document's listener recorded, plus the console's."""
        events = self.page.evaluate("window.__cspViolations || []")
        return events + self.csp_console_messages()

    def script_ran(self) -> bool:
        return bool(self.dialogs) or self.page.evaluate("window.__pwned === 1")
