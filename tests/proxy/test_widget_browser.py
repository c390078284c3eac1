"""widget.js in headless Chromium against the proxy and the emulator: the Chat SDK's API, markdown that
cannot run script, files, feedback, conversations, tokens that renew, the mobile layout."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from typing import Any, Dict, Iterator, List

import jwt
import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from cozekit import Coze, TokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.proxy import ProxyConfig, ThreadedProxy, create_proxy_app, sign_user

from .browser import Page, add_pages, chromium, sdk_page
from .conftest import SECRET

__all__ = ["chromium"]

XSS = [
    "<img src=x onerror=\"window.__xss='img'\">",
    "<script>window.__xss='script'</script>",
    "[click me](javascript:window.__xss='link')",
    '<a href="https://ok.example" onclick="window.__xss=\'onclick\'">ok</a>',
    "<svg><script>window.__xss='svg'</script></svg>",
    "<iframe srcdoc=\"<script>parent.__xss='iframe'</script>\"></iframe>",
]


def user_token(user: str = "visitor-1") -> str:
    return sign_user(user, SECRET)


def sdk_options(bot_id: str, token: str, **ui: Any) -> Dict[str, Any]:
    return {
        "config": {"bot_id": bot_id},
        "auth": {"type": "token", "token": token},
        "userInfo": {"id": "visitor-1", "nickname": "Ada", "url": ""},
        "ui": ui,
    }


class Site:
    """A proxy (in front of the emulator) that also serves the test's pages, and a browser tab on it."""

    def __init__(self, driver: WebDriver, upstream: ThreadedEmulator) -> None:
        self.driver = driver
        self.upstream = upstream
        self.bot = upstream.demo_bot_id
        self.proxies: List[ThreadedProxy] = []
        self.pages: Dict[str, str] = {}
        self.page = Page(driver, "")

    def start(self, port: int = 0, **options: Any) -> ThreadedProxy:
        options.setdefault("bots", [self.bot])
        options.setdefault("secret", SECRET)
        config = ProxyConfig(auth=TokenAuth(self.upstream.token), base_url=self.upstream.base_url)
        app = create_proxy_app(config, **options)
        add_pages(app, self.pages)
        proxy = ThreadedProxy(app, port=port).start()
        self.proxies.append(proxy)
        self.page.base_url = proxy.base_url
        return proxy

    def open(self, name: str, html: str, size: tuple[int, int] = (1280, 800)) -> Page:
        self.pages[name] = html
        return self.page.open(f"/page/{name}", size)


@pytest.fixture
def site(chromium: WebDriver, upstream: ThreadedEmulator, request: pytest.FixtureRequest) -> Iterator[Site]:
    site = Site(chromium, upstream)
    yield site
    with contextlib.suppress(Exception):  # how the page looked at the end, pass or fail
        site.page.screenshot(f"end-{request.node.name}")
    if site.page.base_url:
        with contextlib.suppress(Exception):  # the page may be gone with its proxy
            site.page.reset_storage()
    chromium.get("about:blank")
    for proxy in site.proxies:
        proxy.stop()


def test_chat_sdk_page_streams_markdown_and_callbacks(site: Site) -> None:
    site.start()
    callbacks = """
    ["onBeforeShow", "onShow", "onBeforeHide", "onHide"].forEach(function (k) {
      opts.ui.chatBot[k] = function () { window.events.push(k); };
    });"""
    options = sdk_options(
        site.bot,
        user_token(),
        base={"lang": "en", "layout": "pc", "zIndex": 1234},
        chatBot={
            "title": "Shop helper",
            "feedback": {
                "isNeedFeedback": True,
                "feedbackPanel": {
                    "title": "Why?",
                    "placeholder": "Tell us more",
                    "tags": [{"label": "Wrong"}, {"label": "Rude"}],
                },
            },
        },
        footer={
            "isShow": True,
            "expressionText": "Powered by {{shop}}",
            "linkvars": {"shop": {"text": "Example Shop", "link": "https://shop.example"}},
        },
    )
    html = sdk_page(before=f"var opts = {json.dumps(options)};{callbacks}", raw_options="opts")
    page = site.open("pc", html)
    assert page.find(".launcher").get_attribute("aria-label") == "Open chat"
    assert page.shadow("return root.querySelector('.launcher svg') !== null")  # an SVG, not a font glyph
    page.find(".launcher").click()
    page.wait(lambda: page.find(".panel").is_displayed())
    assert page.find(".head h2").text == "Shop helper"
    assert page.shadow("return getComputedStyle(root.querySelector('.panel')).zIndex") == "1234"
    foot = page.find(".foot a")
    assert (foot.text, foot.get_attribute("href"), foot.get_attribute("rel")) == (
        "Example Shop",
        "https://shop.example/",
        "noopener noreferrer",
    )
    # the bot's opening remarks and suggested questions
    page.wait(lambda: page.find_all(".greeting"))
    assert page.find(".greeting .msg").text == "Hi! I am the emulator's demo bot."
    assert page.texts(".chip") == ["What can you do?"]

    reply = "# Opening hours\n\n**Mon-Fri** *9-17*\n\n- one\n- two\n\n"
    reply += "| day | open |\n|---|---|\n| Sat | 10-14 |\n\n"
    reply += "```python\nprint('hi')\n```\n\nSee [our site](https://shop.example/hours)."
    site.upstream.control.script(site.bot, {"text": reply, "chunk_size": 7, "follow_ups": ["And Sunday?"]})
    page.find(".chip").click()
    assert page.wait_answers(1)
    msg = ".row.bot[data-done] .msg "
    assert page.find(msg + "h1").text == "Opening hours"
    assert page.find(msg + "strong").text == "Mon-Fri"
    assert page.find(msg + "em").text == "9-17"
    assert page.texts(msg + "li") == ["one", "two"]
    assert page.texts(msg + "td") == ["Sat", "10-14"]
    assert page.find(msg + "pre code").text == "print('hi')"
    copy = page.find(msg + ".code .copy")
    assert copy.text == "Copy"
    copy.click()
    page.wait(lambda: copy.text == "Copied")
    link = page.find(msg + "a")
    assert (link.get_attribute("target"), link.get_attribute("rel")) == (
        "_blank",
        "noopener noreferrer nofollow",
    )
    assert page.texts(".row.user .msg") == ["What can you do?"]
    assert page.texts(".row.user .name") == ["Ada"]
    page.wait(lambda: page.texts(".chip") == ["And Sunday?"])
    page.screenshot("markdown-reply", doc=True)

    # thumbs up, through the message feedback API
    up = page.find(".row.bot[data-done] .actions .up")
    assert up.get_attribute("aria-label") == "Helpful"
    up.click()
    page.wait(lambda: up.get_attribute("aria-pressed") == "true")
    assert page.find_all(".reasons") == []
    # thumbs down instead, with a reason and a comment (ui.chatBot.feedback.feedbackPanel)
    page.find(".row.bot[data-done] .actions .down").click()
    page.wait(lambda: page.find_all(".reasons"))
    assert up.get_attribute("aria-pressed") == "false"
    assert page.find(".reasons .why").text == "Why?"
    page.find(".reasons .tag").click()
    page.find(".reasons textarea").send_keys("<b>the hours are wrong</b>")
    page.find(".reasons .submit").click()
    page.wait(lambda: page.texts(".reasons") == ["Thanks for the feedback"])
    answer_id = page.find(".row.bot[data-done]").get_attribute("data-done")
    stored = site.upstream.state.store.get("message", answer_id)
    assert stored is not None and stored["feedback"] == {
        "feedback_type": "unlike",
        "reason_types": ["Wrong"],
        "comment": "<b>the hours are wrong</b>",
    }

    # a follow-up continues the same conversation
    page.find(".chip").click()
    answers = page.wait_answers(2)
    assert "(turn 2) heard: And Sunday?" in answers[1]

    page.find(".head .close").click()
    page.wait(lambda: not page.find(".panel").is_displayed())
    page.js("window.client.showChatBot()")
    page.wait(lambda: page.find(".panel").is_displayed())
    page.js("window.client.hideChatBot()")
    page.wait(lambda: page.js("return window.events.length") == 8)
    assert page.js("return window.events") == ["onBeforeShow", "onShow", "onBeforeHide", "onHide"] * 2
    page.js("window.client.destroy()")
    assert page.js("return document.querySelectorAll('[data-cozekit-widget]').length") == 0


def test_before_show_returning_false_keeps_it_closed(site: Site) -> None:
    site.start()
    before = "var opts = %s; opts.ui.chatBot.onBeforeShow = function () {"
    before += " window.events.push('asked'); return Promise.resolve(!!window.allow); };"
    options = sdk_options(site.bot, user_token(), chatBot={}, asstBtn={"isNeed": False})
    page = site.open("veto", sdk_page(before=before % json.dumps(options), raw_options="opts"))
    assert not page.find(".launcher").is_displayed()  # ui.asstBtn.isNeed: false
    page.js("window.client.showChatBot()")
    page.wait(lambda: page.js("return window.events.length") == 1)
    assert not page.find(".panel").is_displayed()
    # an async yes this time; with no floating button the panel sits in the corner
    page.js("window.allow = true;")
    page.js("window.client.showChatBot()")
    page.wait(lambda: page.find(".panel").is_displayed())
    bottom = page.shadow("return innerHeight - root.querySelector('.panel').getBoundingClientRect().bottom")
    assert bottom == 24


def test_bot_replies_and_file_names_never_execute(site: Site) -> None:
    site.start()
    options = sdk_options(site.bot, user_token(), chatBot={"uploadable": True})
    page = site.open("xss", sdk_page(options))
    page.find(".launcher").click()
    page.wait(lambda: page.find_all(".greeting"))
    site.upstream.control.script(
        site.bot, {"text": "\n\n".join(XSS), "follow_ups": ["<img src=x onerror=\"window.__xss='chip'\">"]}
    )
    page.send("hello")
    page.wait_answers(1)
    page.wait(lambda: page.find_all(".chips .chip"))
    # the deterministic bot echoes the visitor's own input back
    page.send(XSS[0] + " " + XSS[1])
    answers = page.wait_answers(2)
    assert "heard:" in answers[1]
    # a file whose name is markup
    name = "<img src=x onerror=\"window.__xss='file'\">.png"
    page.shadow(
        "var input = root.querySelector('input[type=file]'); var dt = new DataTransfer();"
        "var png = new Uint8Array([137,80,78,71,13,10,26,10]);"
        "dt.items.add(new File([png], arguments[0], {type: 'image/png'}));"
        "input.files = dt.files; input.dispatchEvent(new Event('change'));",
        name,
    )
    page.wait(
        lambda: page.shadow(
            "var chip = root.querySelector('.pending span');"
            "return chip && chip.textContent.indexOf('Uploading') < 0"
        )
    )
    assert name in page.find(".pending span").text
    page.send("what is in it?")
    page.wait_answers(3)
    assert page.find_all(".row.user .files img")[0].get_attribute("alt") == name
    page.screenshot("xss")
    assert page.js("return window.__xss === undefined")
    for css in ("[onerror]", "[onclick]", "script", "iframe", "svg script"):
        assert page.shadow("return root.querySelectorAll('.log ' + arguments[0]).length", css) == 0, css
    hrefs = page.shadow(
        "return Array.from(root.querySelectorAll('.log a'))"
        ".map(function (a) { return a.getAttribute('href') || ''; })"
    )
    assert not any(h.lower().startswith("javascript") for h in hrefs)


def test_upload_limits_are_explained(site: Site) -> None:
    site.start(max_upload_bytes=2048)
    options = sdk_options(site.bot, user_token(), chatBot={"uploadable": True, "maxFileSize": 1024 * 1024})
    page = site.open("limits", sdk_page(options))
    page.find(".launcher").click()
    add = (
        "var input = root.querySelector('input[type=file]'); var dt = new DataTransfer();"
        "dt.items.add(new File([new Uint8Array(arguments[1])], arguments[0], {type: arguments[2]}));"
        "input.files = dt.files; input.dispatchEvent(new Event('change'));"
    )
    page.shadow(add, "tool.exe", 10, "application/x-msdownload")
    page.wait(lambda: page.find_all(".err"))
    assert page.texts(".err")[-1] == "“tool.exe” is not a file type you can send"
    page.shadow(add, "huge.pdf", 2 * 1024 * 1024, "application/pdf")
    page.wait(lambda: len(page.find_all(".err")) == 2)
    assert page.texts(".err")[-1] == "“huge.pdf” is larger than 1 MB"
    page.shadow(add, "medium.pdf", 4096, "application/pdf")  # under the widget's limit, over the proxy's
    page.wait(lambda: len(page.find_all(".err")) == 3)
    assert page.texts(".err")[-1].startswith("the file is over 2048 bytes")
    assert page.find_all(".pending span") == []


def test_mobile_layout_is_full_screen_in_chinese(site: Site) -> None:
    site.start()
    options = sdk_options(site.bot, user_token(), base={"lang": "zh-CN"}, conversations={"isNeed": True})
    page = site.open("mobile", sdk_page(options), size=(390, 780))
    launcher = page.find(".launcher")
    assert launcher.get_attribute("aria-label") == "打开对话"
    launcher.click()
    page.wait(lambda: page.find_all(".greeting"))
    rect = page.shadow(
        "var r = root.querySelector('.panel').getBoundingClientRect();"
        "return [r.left, r.top, r.width, r.height]"
    )
    size = page.js("return [window.innerWidth, window.innerHeight]")
    assert rect == [0, 0, size[0], size[1]]  # the whole viewport: the page's scrollbar is gone too
    assert page.js("return document.documentElement.scrollWidth") == size[0]
    assert page.find("button.send").text == "发送"
    assert page.find("textarea").get_attribute("placeholder") == "输入消息"
    page.send("你好")
    assert "heard: 你好" in page.wait_answers(1)[0]
    page.screenshot("mobile", doc=True)
    page.find(".head .close").click()
    page.wait(lambda: not page.find(".panel").is_displayed())
    assert page.js("return document.documentElement.style.overflow") == ""


def test_keyboard_only_visitor(site: Site) -> None:
    site.start()
    page = site.open("keys", sdk_page(sdk_options(site.bot, user_token(), chatBot={})))
    page.find(".launcher").send_keys(Keys.ENTER)
    page.wait(lambda: page.find(".panel").is_displayed())
    assert page.shadow("return root.activeElement === root.querySelector('textarea')")
    assert page.find("textarea").get_attribute("aria-label") == "Message"
    assert page.find(".log").get_attribute("role") == "log"
    assert page.find(".panel").get_attribute("role") == "dialog"
    page.find("textarea").send_keys("typed", Keys.ENTER)
    assert "heard: typed" in page.wait_answers(1)[0]
    page.find("textarea").send_keys(Keys.ESCAPE)
    page.wait(lambda: not page.find(".panel").is_displayed())
    assert page.shadow("return root.activeElement === root.querySelector('.launcher')")
    unlabeled = page.shadow(
        "return Array.from(root.querySelectorAll('button')).filter(function (b) {"
        " return !(b.getAttribute('aria-label') || b.textContent.trim()); }).length"
    )
    assert unlabeled == 0


def test_stop_button_cancels_the_stream(site: Site) -> None:
    site.upstream.control.configure(chunk_delay_ms=200)
    site.start()
    page = site.open("stop", sdk_page(sdk_options(site.bot, user_token(), chatBot={})))
    page.find(".launcher").click()
    site.upstream.control.script(site.bot, {"text": "word " * 200, "chunk_size": 5})
    page.send("talk a lot")
    stop = page.find("button.send")
    page.wait(lambda: stop.text == "Stop")
    page.wait(
        lambda: "word" in page.shadow("return root.querySelector('.row.bot:last-child .msg').textContent")
    )
    stop.click()
    page.wait_idle()
    assert page.find("button.send").text == "Send"
    shown = page.shadow("return root.querySelector('.row.bot:last-child .msg').textContent")
    assert 0 < shown.count("word") < 200
    page.wait(lambda: site.proxies[0].app.state.proxy.streams.open == 0)


def test_conversation_list_new_rename_delete_isolated_per_user(site: Site) -> None:
    site.start()
    options = sdk_options(site.bot, user_token("alice"), conversations={"isNeed": True})
    page = site.open("convs", sdk_page(options))
    page.find(".launcher").click()
    page.send("first topic")
    page.wait_answers(1)
    page.find(".head .list").click()
    page.wait(lambda: len(page.find_all(".convs li .pick")) == 1)
    page.find(".convs .chip").click()  # + New chat
    page.wait(lambda: len(page.find_all(".convs li .pick")) == 2)
    assert page.find_all(".log .row.user") == []
    page.send("second topic")
    page.wait_answers(1)
    assert "(turn 1) heard: second topic" in page.texts(".row.bot[data-done] .msg")[0]
    # rename the newest
    page.find(".convs li.current .rename").click()
    box = page.find(".convs li input")
    box.send_keys("Shipping", Keys.ENTER)
    page.wait(lambda: "Shipping" in page.texts(".convs li .pick"))
    page.screenshot("conversations", doc=True)
    # back to the first: its history comes back
    first = next(e for e in page.find_all(".convs li .pick") if e.text != "Shipping")
    first.click()
    page.wait(lambda: page.texts(".row.user .msg") == ["first topic"])
    # delete it (two clicks: the first asks)
    delete = page.find(".convs li.current .delete")
    delete.click()
    assert delete.text == "Delete?"
    delete.click()
    page.wait(lambda: page.texts(".convs li .pick") == ["Shipping"])

    # bob, in the same browser, sees none of alice's
    page.reset_storage()
    site.pages["convs"] = sdk_page(sdk_options(site.bot, user_token("bob"), conversations={"isNeed": True}))
    page.open("/page/convs")
    page.find(".launcher").click()
    page.find(".head .list").click()
    page.wait(lambda: page.texts(".convs li") == ["No conversations yet"])
    with Coze(auth=TokenAuth(site.upstream.token), base_url=site.upstream.base_url) as coze:
        names = [c.name for c in coze.conversations.list(bot_id=site.bot).items]
    assert "Shipping" in names


def test_anonymous_visitor_survives_a_proxy_restart(site: Site) -> None:
    proxy = site.start(anonymous=True, secret=None)
    port = int(proxy.base_url.rsplit(":", 1)[1])
    page = site.open("anon", sdk_page({"config": {"bot_id": site.bot}}))
    page.find(".launcher").click()
    page.send("before")
    page.wait_answers(1)
    old = page.js("return localStorage.getItem('cozekit.user:' + location.origin)")
    assert old
    proxy.stop()
    site.proxies.remove(proxy)
    site.start(port=port, anonymous=True, secret=None)  # a new random secret: the saved token is now unknown
    page.open("/page/anon")
    page.find(".launcher").click()
    page.send("after")
    answers = page.wait_answers(1)
    assert "(turn 1) heard: after" in answers[-1]
    assert page.find_all(".err") == []
    new = page.js("return localStorage.getItem('cozekit.user:' + location.origin)")
    assert new and new != old


def test_on_refresh_token_renews_a_rotated_key_and_retries_once(site: Site) -> None:
    proxy = site.start(secret="old-secret-0123456789abcdef-rotated")
    port = int(proxy.base_url.rsplit(":", 1)[1])
    stale = jwt.encode(
        {"sub": "carol", "exp": int(time.time()) + 600}, "old-secret-0123456789abcdef-rotated", "HS256"
    )
    fresh = jwt.encode({"sub": "carol", "exp": int(time.time()) + 600}, SECRET, "HS256")
    before = (
        f"var opts = {json.dumps(sdk_options(site.bot, stale, chatBot={}))};"
        " opts.auth.onRefreshToken = function (old) {"
        f" window.events.push(old === {json.dumps(stale)} ? 'stale' : 'other');"
        f" return Promise.resolve({json.dumps(fresh)}); }};"
    )
    proxy.stop()
    site.proxies.remove(proxy)
    site.start(port=port)  # the key rotated: the page still holds a token for the old one
    page = site.open("refresh", sdk_page(before=before, raw_options="opts"))
    page.find(".launcher").click()
    page.send("renewed?")
    assert "heard: renewed?" in page.wait_answers(1)[0]
    assert page.js("return window.events") == ["stale"]
    assert page.find_all(".err") == []


def test_script_tag_data_attributes_keep_working(site: Site) -> None:
    site.start()
    html = (
        '<!doctype html><html><head><meta charset="utf-8"></head><body>'
        f'<script src="/widget.js" data-bot-id="{site.bot}" data-user-token="{user_token()}"'
        ' data-title="Help"></script>'
        "</body></html>"
    )
    page = site.open("legacy", html)
    page.js("window.CozekitWidget.open()")
    page.wait(lambda: page.find(".panel").is_displayed())
    assert page.find(".head h2").text == "Help"
    page.send("old style")
    assert "heard: old style" in page.wait_answers(1)[0]


def test_inline_mount_with_el(site: Site) -> None:
    site.start()
    before = "var opts = %s; opts.ui.chatBot.el = document.getElementById('inline');"
    options = sdk_options(
        site.bot, user_token(), chatBot={"title": "Inline"}, header={"isShow": True, "isNeedClose": False}
    )
    page = site.open("inline", sdk_page(before=before % json.dumps(options), raw_options="opts"))
    assert page.js("return document.getElementById('inline').querySelector('[data-cozekit-widget]') !== null")
    assert page.find(".panel").is_displayed()
    assert page.find_all(".launcher") == [] and page.find_all(".head .close") == []
    page.wait(lambda: page.find_all(".greeting"))
    page.send("inline hello")
    page.wait_answers(1)
    page.js("document.getElementById('inline').style.display='none'")
    page.screenshot("inline")


def test_pc_screenshot_for_the_docs(site: Site) -> None:
    site.start()
    options = sdk_options(
        site.bot,
        user_token(),
        chatBot={"title": "Example Shop", "uploadable": True, "feedback": {"isNeedFeedback": True}},
        conversations={"isNeed": True},
    )
    page = site.open("pc-doc", sdk_page(options))
    page.find(".launcher").click()
    page.wait(lambda: page.find_all(".greeting"))
    site.upstream.control.script(
        site.bot,
        {
            "text": "We open **9-17** on weekdays. See [hours](https://shop.example/hours).",
            "follow_ups": ["Are you open on Sunday?"],
        },
    )
    page.send("When are you open?")
    page.wait_answers(1)
    page.wait(lambda: page.find_all(".chips .chip"))
    assert page.screenshot("pc", doc=True).stat().st_size > 0


def test_the_proxy_demo_page_chats_anonymously(site: Site) -> None:
    site.start(anonymous=True, title="Demo")
    page = site.page.open("/")
    assert page.js("return document.querySelector('.origin').textContent") == site.page.base_url
    page.find(".launcher").click()
    page.wait(lambda: page.find_all(".greeting"))
    assert page.find(".head h2").text == "Demo"
    page.send("from the demo page")
    assert "heard: from the demo page" in page.wait_answers(1)[0]
    assert page.js("return localStorage.getItem('cozekit.user:' + location.origin)").count(".") == 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_site_on_another_origin_uses_every_route_through_cors(site: Site) -> None:
    port = free_port()
    site.start(port=port, allowed_origins=[f"http://localhost:{port}"])
    proxy_url = f"http://127.0.0.1:{port}"
    options = sdk_options(
        site.bot,
        user_token("erin"),
        chatBot={"uploadable": True, "feedback": True},
        conversations={"isNeed": True},
    )
    options["config"]["proxy"] = proxy_url
    html = sdk_page(options).replace('src="/widget.js"', f'src="{proxy_url}/widget.js"')
    site.pages["cors"] = html
    page = site.page
    page.driver.get(f"http://localhost:{port}/page/cors")  # the page's origin is not the proxy's
    page.wait(lambda: page.js("return !!window.CozeWebSDK"))
    assert page.js("return location.origin") != proxy_url
    page.find(".launcher").click()
    page.wait(lambda: page.find_all(".greeting"))
    page.shadow(
        "var input = root.querySelector('input[type=file]'); var dt = new DataTransfer();"
        "dt.items.add(new File(['a,b'], 'table.csv', {type: 'text/csv'}));"
        "input.files = dt.files; input.dispatchEvent(new Event('change'));"
    )
    page.wait(lambda: [t.split()[0] for t in page.texts(".pending span")] == ["table.csv"])  # uploaded
    page.send("cross-origin")
    assert "heard: cross-origin" in page.wait_answers(1)[0]
    assert page.texts(".row.user .chipfile") == ["table.csv"]
    down = page.find(".row.bot[data-done] .down")
    down.click()
    page.wait(lambda: down.get_attribute("aria-pressed") == "true")
    page.find(".head .list").click()
    page.wait(lambda: len(page.find_all(".convs li .rename")) == 1)
    page.find(".convs li .rename").click()
    page.find(".convs li input").send_keys("Via CORS", Keys.ENTER)
    page.wait(lambda: page.texts(".convs li .pick") == ["Via CORS"])
    delete = page.find(".convs li .delete")
    delete.click()
    delete.click()
    page.wait(lambda: page.texts(".convs li") == ["No conversations yet"])
    assert page.find_all(".err") == []


def test_a_site_the_proxy_does_not_allow_gets_a_clear_error(site: Site) -> None:
    port = free_port()
    site.start(port=port, allowed_origins=["https://shop.example"])
    proxy_url = f"http://127.0.0.1:{port}"
    options = sdk_options(site.bot, user_token())
    options["config"]["proxy"] = proxy_url
    site.pages["foreign"] = sdk_page(options).replace('src="/widget.js"', f'src="{proxy_url}/widget.js"')
    page = site.page
    page.driver.get(f"http://localhost:{port}/page/foreign")
    page.wait(lambda: page.js("return !!window.CozeWebSDK"))
    page.find(".launcher").click()
    page.wait(lambda: page.find_all(".err"))
    assert page.texts(".err") == ["Network error: check your connection"]  # the browser hides the 403
