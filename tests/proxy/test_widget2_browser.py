"""widget.js in headless Chromium: an app's chatflow (`config.type: 'app'`), isNeedDeleteMessage,
isNeedQuote, isNeedFunctionCallMessage, and the open panel keeping keyboard focus."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.keys import Keys

from cozekit.emulator import example_workflows

from .browser import chromium, sdk_page
from .test_chatflows import tool_bot
from .test_widget_browser import Site, sdk_options, site, user_token

__all__ = ["chromium", "site"]


def test_an_app_chatflow_chats_in_the_widget(site: Site) -> None:
    definition = (Path(example_workflows()) / "helpdesk_chatflow.json").read_text()
    flow = site.upstream.control.create_workflow(definition)["workflow_id"]
    site.start(bots=[], chatflows=[(None, flow)])
    options = {
        "config": {"type": "app", "appInfo": {"workflowId": flow}},
        "auth": {"type": "token", "token": user_token()},
        "ui": {"base": {"lang": "en", "layout": "pc"}, "chatBot": {"title": "Helpdesk"}},
    }
    page = site.open("app", sdk_page(options))
    page.find(".launcher").click()
    page.send("my printer is broken")
    assert page.wait_answers(1) == ["Helpdesk (turn 1) heard: my printer is broken"]
    page.wait_idle()
    page.send("still broken")
    assert page.wait_answers(2)[-1] == "Helpdesk (turn 2) heard: still broken"
    page.wait_idle()
    page.screenshot("chatflow")
    # A reload resumes the same conversation (its history, then turn 3).
    page = site.open("app", sdk_page(options))
    page.find(".launcher").click()
    page.wait(lambda: len(page.find_all(".row.bot[data-done]")) == 2, "history")
    page.send("hello again")
    page.wait(lambda: len(page.find_all(".row.bot[data-done]")) == 3, "third answer")
    assert page.texts(".row.bot[data-done] .msg")[-1] == "Helpdesk (turn 3) heard: hello again"
    assert not page.find_all(".list")  # Coze lists conversations by bot only
    # The demo page of a proxy serving only chatflows chats with the first one.
    page.reset_storage()
    page.open("/")
    page.wait(lambda: page.js("return document.querySelector('[data-cozekit-widget]') !== null"))
    assert page.js("return document.querySelector('[data-cozekit-widget]').dataset.cozekitWidget") == (
        f"workflow::{flow}"
    )


def test_delete_quote_and_function_calls(site: Site) -> None:
    bot = tool_bot(site.upstream)
    site.bot = bot
    site.start(bots=[bot], function_call_messages=True)
    options = sdk_options(
        bot,
        user_token(),
        base={"lang": "en", "layout": "pc"},
        chatBot={"isNeedDeleteMessage": True, "isNeedQuote": True, "isNeedFunctionCallMessage": True},
    )
    page = site.open("tools", sdk_page(options))
    page.find(".launcher").click()
    page.send("what does the forecast say")
    page.wait_answers(1)
    page.wait_idle()
    assert [s.strip() for s in page.texts(".tool summary")] == ["Function call", "Tool response"]
    call = page.shadow("return root.querySelector('.tool.function_call pre').textContent")
    assert "forecast" in call  # shown collapsed (a <details>): textContent, not innerText
    # Quote: the reply goes into the input as a markdown quote.
    page.find(".row.bot[data-done] .quote").click()
    value = page.shadow("return root.querySelector('textarea').value")
    assert value.startswith("> Tool results: forecast returned")
    page.shadow("root.querySelector('textarea').value = ''")
    # Delete: the question gets a delete control once its id is known; two clicks (confirm) delete it.
    page.wait(lambda: page.find_all(".row.user .delmsg"), "delete control")
    assert not page.find_all(".row.bot .delmsg")  # only the visitor's own messages
    page.find(".row.user .delmsg").click()
    page.find(".row.user .delmsg").click()
    page.wait(lambda: not page.find_all(".row.user"), "question removed")
    # Gone on the server too: a reload shows the answer only.
    page = site.open("tools", sdk_page(options))
    page.find(".launcher").click()
    page.wait(lambda: len(page.find_all(".row.bot[data-done]")) == 1, "history")
    assert not page.find_all(".row.user")


def test_the_open_panel_traps_focus_and_escape_returns_it(site: Site) -> None:
    site.start()
    options = sdk_options(site.bot, user_token(), base={"lang": "en", "layout": "pc"})
    page = site.open("focus", sdk_page(options))
    page.find(".launcher").click()
    page.wait(lambda: page.shadow("return root.activeElement && root.activeElement.tagName") == "TEXTAREA")

    def focused() -> str:
        return str(
            page.shadow(
                "var a = root.activeElement; return a ? a.tagName + '.' + a.className + ':' + "
                "(a.closest('.panel') ? 'in' : 'out') : 'none'"
            )
        )

    seen = []
    for _ in range(8):  # more Tabs than controls: focus wraps around, never leaves the panel
        page.driver.switch_to.active_element.send_keys(Keys.TAB)
        seen.append(focused())
    assert all(s.endswith(":in") for s in seen), seen
    assert len(set(seen)) < len(seen)  # it cycled
    for _ in range(8):
        page.driver.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
        assert focused().endswith(":in")
    page.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    page.wait(lambda: not page.shadow("return root.querySelector('.panel').classList.contains('open')"))
    assert focused().startswith("BUTTON.launcher")
