/* cozekit chat widget: Coze's Chat SDK API (CozeWebSDK.WebChatClient) in front of a cozekit proxy.
 *
 *   <script src="https://proxy.example/widget.js"></script>
 *   <script>
 *     new CozeWebSDK.WebChatClient({
 *       config: { bot_id: "7379..." },
 *       auth: { type: "token", token: "(end-user token from your server)", onRefreshToken: fetchNewToken },
 *       userInfo: { id: "u-42", nickname: "Ada", url: "https://site.example/ada.png" },
 *       ui: { base: { lang: "en" }, chatBot: { title: "Help", uploadable: true } }
 *     });
 *   </script>
 *
 * The old script-tag form keeps working: <script src=".../widget.js" data-bot-id="7379..."
 * data-user-token="..." data-title="Help"></script>. The proxy holds the Coze token; this script only
 * ever sends the end-user token. When served by the proxy, DOMPurify and marked are put in below. */
(function () {
  "use strict";
  var vendor = {};
  /*@vendor@*/
  var script = document.currentScript;
  var scriptBase = script && script.src ? script.src.replace(/\/widget\.js(\?.*)?$/, "") : "";

  var STRINGS = {
    en: {
      open: "Open chat", close: "Close chat", send: "Send", stop: "Stop", placeholder: "Type a message",
      input: "Message", newChat: "New chat", conversations: "Conversations", upload: "Attach a file",
      remove: "Remove", rename: "Rename", del: "Delete", confirmDelete: "Delete?", save: "Save",
      like: "Helpful", unlike: "Not helpful", copy: "Copy", copied: "Copied", you: "You", error: "Something went wrong",
      network: "Network error: check your connection", tooBig: "“{name}” is larger than {size}", badType:
      "“{name}” is not a file type you can send", uploading: "Uploading…", untitled: "Untitled chat",
      noConversations: "No conversations yet", footer: "Powered by cozekit. AI-generated content for reference only.",
      suggestions: "Suggested questions", why: "What went wrong?", submit: "Submit", thanks: "Thanks for the feedback", failed: "The bot could not answer", thinking: "…", image: "[image]", file: "[file]",
      quote: "Quote", delMessage: "Delete message", functionCall: "Function call", toolResponse: "Tool response"
    },
    "zh-CN": {
      open: "打开对话", close: "关闭对话", send: "发送", stop: "停止", placeholder: "输入消息",
      input: "消息", newChat: "新对话", conversations: "会话列表", upload: "上传文件",
      remove: "移除", rename: "重命名", del: "删除", confirmDelete: "确认删除？", save: "保存",
      like: "有帮助", unlike: "没帮助", copy: "复制", copied: "已复制", you: "我", error: "出错了",
      network: "网络错误，请检查网络连接", tooBig: "“{name}”超过 {size}", badType: "不支持发送“{name}”这种文件",
      uploading: "上传中…", untitled: "未命名会话", noConversations: "暂无会话",
      footer: "由 cozekit 提供支持，内容由 AI 生成，仅供参考。", suggestions: "推荐问题",
      why: "哪里不好？", submit: "提交", thanks: "感谢反馈",
      failed: "智能体未能回答", thinking: "…", image: "[图片]", file: "[文件]",
      quote: "引用", delMessage: "删除消息", functionCall: "函数调用", toolResponse: "工具返回"
    }
  };
  var TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain",
    "text/markdown", "text/csv", "application/json", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"];
  var ICON = '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false"><path fill="currentColor" ' +
    'd="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-4.2 3.4A.5.5 0 0 1 4 21v-3a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0-.01zm5 0a1.5 1.5 0 1 0 0-.01zm5 0a1.5 1.5 0 1 0 0-.01z"/></svg>';
  var CLOSE = '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4L12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z"/></svg>';
  var LIST = '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M3 5h18v2H3zm0 6h18v2H3zm0 6h18v2H3z"/></svg>';
  var CLIP = '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V6a3 3 0 0 1 6 0v9.5a1.5 1.5 0 0 1-3 0V7H9v8.5a3 3 0 0 0 6 0V6a4.5 4.5 0 0 0-9 0v10.5a6 6 0 0 0 12 0v-10z"/></svg>';
  var UP = '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" d="M2 21h4V9H2zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3a1.5 1.5 0 0 0-.5-1.1L13.2 1 6.6 7.6A2 2 0 0 0 6 9v10a2 2 0 0 0 2 2h9a2 2 0 0 0 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7z"/></svg>';

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box}[hidden]{display:none!important}",
    ".launcher{position:fixed;right:24px;bottom:24px;width:56px;height:56px;border-radius:50%;border:0;padding:0;",
    "background:#3b5bfd;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;overflow:hidden}",
    ".launcher img{width:100%;height:100%;object-fit:cover}",
    ".launcher:focus-visible,button:focus-visible,textarea:focus-visible,a:focus-visible,input:focus-visible{outline:2px solid #ffb020;outline-offset:2px}",
    ".panel{position:fixed;right:24px;bottom:92px;height:min(640px,calc(100vh - 120px));max-width:calc(100vw - 48px);display:none;",
    "flex-direction:column;background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);font:14px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2329;overflow:hidden}",
    ".panel.open{display:flex}",
    ".panel.mobile{top:0;left:0;right:0;bottom:0;width:auto!important;max-width:none;height:auto;border-radius:0}",
    ".panel.inline{position:static;display:flex;width:100%!important;max-width:none;height:100%;box-shadow:none;border:1px solid #e6e8ee}",
    ".head{padding:10px 12px;background:#3b5bfd;color:#fff;display:flex;align-items:center;gap:8px}",
    ".head h2{flex:1;margin:0;font-size:15px;font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}",
    ".head img{width:28px;height:28px;border-radius:50%;object-fit:cover;background:#fff}",
    ".icon{border:0;background:transparent;color:inherit;cursor:pointer;padding:4px;border-radius:6px;display:flex;align-items:center;font:inherit}",
    ".head .icon:hover{background:rgba(255,255,255,.18)}",
    ".newchat{border:1px solid rgba(255,255,255,.7);padding:2px 8px;font-size:12px}",
    ".main{flex:1;display:flex;min-height:0;position:relative}",
    ".convs{width:220px;border-right:1px solid #e6e8ee;overflow-y:auto;background:#f7f8fa;padding:8px;display:none}",
    ".convs.open{display:block}",
    ".panel.mobile .convs.open{position:absolute;inset:0;width:auto;z-index:2}",
    ".convs ul{list-style:none;margin:0;padding:0}",
    ".convs li{display:flex;align-items:center;gap:2px;border-radius:6px}",
    ".convs li.current{background:#e3e8ff}",
    ".convs .pick{flex:1;text-align:left;border:0;background:transparent;padding:6px;cursor:pointer;font:inherit;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}",
    ".convs .small{font-size:12px;color:#555;padding:2px 4px}",
    ".convs input{flex:1;min-width:0;font:inherit;padding:4px}",
    ".convs .empty{color:#777;padding:6px}",
    ".chat{flex:1;display:flex;flex-direction:column;min-width:0}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px}",
    ".row{display:flex;gap:8px;align-items:flex-start;max-width:100%}",
    ".row.user{flex-direction:row-reverse}",
    ".avatar{width:28px;height:28px;border-radius:50%;flex:none;object-fit:cover;background:#dfe3ec;color:#333;display:flex;align-items:center;justify-content:center;font-size:12px;font-weight:600}",
    ".stack{display:flex;flex-direction:column;gap:2px;min-width:0;max-width:85%}",
    ".row.user .stack{align-items:flex-end}",
    ".name{font-size:12px;color:#6b7280}",
    ".msg{padding:8px 12px;border-radius:10px;word-wrap:break-word;overflow-wrap:anywhere;max-width:100%}",
    ".user .msg{background:#3b5bfd;color:#fff;white-space:pre-wrap}",
    ".bot .msg{background:#f1f3f7}",
    ".msg>:first-child{margin-top:0}.msg>:last-child{margin-bottom:0}",
    ".msg h1,.msg h2,.msg h3,.msg h4{margin:.6em 0 .3em;font-size:1.1em}",
    ".msg p{margin:.4em 0}.msg ul,.msg ol{margin:.4em 0;padding-left:1.4em}",
    ".msg table{border-collapse:collapse;margin:.4em 0;display:block;overflow-x:auto}",
    ".msg th,.msg td{border:1px solid #cfd4de;padding:3px 8px}.msg th{background:#e6e9f0}",
    ".msg code{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;background:rgba(0,0,0,.06);padding:1px 4px;border-radius:4px}",
    ".code{position:relative}.code pre{background:#1f2329;color:#e8eaf0;padding:10px;border-radius:8px;overflow-x:auto;margin:.4em 0}",
    ".code pre code{background:transparent;color:inherit;padding:0}",
    ".code .copy{position:absolute;top:4px;right:4px;font-size:11px;background:#3a4050;color:#fff;border:0;border-radius:4px;padding:2px 6px;cursor:pointer}",
    ".msg a{color:#2747d8}.user .msg a{color:#fff}",
    ".msg img{max-width:100%;border-radius:6px}",
    ".files{display:flex;flex-wrap:wrap;gap:4px;margin-top:4px}",
    ".files img{max-width:160px;max-height:120px;border-radius:6px}",
    ".chipfile{background:rgba(255,255,255,.2);border:1px solid rgba(0,0,0,.1);border-radius:6px;padding:2px 6px;font-size:12px}",
    ".actions{display:flex;gap:4px}",
    ".actions .icon{color:#6b7280;padding:2px 4px}",
    ".actions .icon[aria-pressed=true]{color:#3b5bfd;background:#e3e8ff}",
    ".down svg{transform:rotate(180deg)}",
    ".reasons{display:flex;flex-wrap:wrap;gap:6px;align-items:center;background:#f7f8fa;border:1px solid #e6e8ee;border-radius:8px;padding:8px;margin-top:4px}",
    ".reasons .why{width:100%;font-size:12px;color:#555}",
    ".reasons .tag[aria-pressed=true]{background:#3b5bfd;color:#fff}",
    ".reasons .comment{width:100%;flex:none;height:48px}",
    ".tool{font-size:12px;color:#555;background:#f7f8fa;border:1px dashed #cfd4de;border-radius:8px;padding:4px 8px;max-width:85%;margin-left:36px}",
    ".tool pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:4px 0 0;font:11px/1.4 ui-monospace,Menlo,Consolas,monospace}",
    ".err{align-self:center;color:#b00020;font-size:12px;text-align:center}",
    ".chips{display:flex;flex-wrap:wrap;gap:6px}",
    ".chip{border:1px solid #3b5bfd;color:#3b5bfd;background:#fff;border-radius:14px;padding:4px 10px;cursor:pointer;font:inherit;text-align:left}",
    ".pending{display:flex;flex-wrap:wrap;gap:6px;padding:0 10px}",
    ".pending:empty{display:none}",
    ".pending span{background:#f1f3f7;border-radius:6px;padding:2px 4px 2px 8px;font-size:12px;display:flex;align-items:center;gap:4px}",
    "form{display:flex;gap:6px;padding:10px;border-top:1px solid #e6e8ee;align-items:flex-end}",
    "form .icon{color:#555;padding:8px}",
    "textarea{flex:1;resize:none;height:40px;max-height:120px;padding:8px;border:1px solid #ccd;border-radius:8px;font:inherit;color:inherit}",
    "button.send{border:0;border-radius:8px;background:#3b5bfd;color:#fff;padding:0 14px;height:40px;cursor:pointer;font:inherit}",
    "button.send.stop{background:#d93f3f}",
    ".foot{font-size:11px;color:#8a919f;text-align:center;padding:0 10px 8px}",
    ".foot a{color:#5b6477}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
  ].join("");

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function iconButton(svg, label, cls) {
    var b = el("button", "icon" + (cls ? " " + cls : ""));
    b.type = "button";
    b.innerHTML = svg; // our own constant markup
    b.setAttribute("aria-label", label);
    b.title = label;
    return b;
  }
  function sizeText(bytes) {
    return bytes >= 1048576 ? Math.round(bytes / 1048576) + " MB" : Math.round(bytes / 1024) + " KB";
  }
  function safeUrl(url) {
    return typeof url === "string" && /^(https?:|data:image\/|blob:|\/)/i.test(url) ? url : "";
  }
  function b64json(part) {
    try { return JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))); } catch (e) { return null; }
  }
  // A stable tag for whom a token names (to key saved conversations), without trusting it.
  function tokenTag(token) {
    var parts = (token || "").split(".");
    var head = b64json(parts[0] || "");
    if (head && head.alg && parts[1]) { var claims = b64json(parts[1]); return claims && claims.sub ? "j:" + claims.sub : "j"; }
    return parts[0] || "";
  }
  // Markdown (marked) made safe (DOMPurify): no scripts, handlers, styles or forms; links open in a new tab.
  function renderMarkdown(target, text) {
    var purify = vendor.DOMPurify, md = vendor.marked;
    if (!purify || !md || !purify.isSupported) { target.textContent = text; target.style.whiteSpace = "pre-wrap"; return; }
    var html = md.parse(text, { gfm: true, breaks: true, async: false });
    var frag = purify.sanitize(html, {
      RETURN_DOM_FRAGMENT: true,
      FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe", "object", "embed", "svg", "math"],
      FORBID_ATTR: ["style", "class", "id"]
    });
    Array.prototype.forEach.call(frag.querySelectorAll("a"), function (a) {
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer nofollow");
    });
    Array.prototype.forEach.call(frag.querySelectorAll("pre"), function (pre) {
      var box = el("div", "code");
      pre.parentNode.replaceChild(box, pre);
      box.appendChild(pre);
      var copy = el("button", "copy", target.__strings.copy);
      copy.type = "button";
      copy.addEventListener("click", function () {
        var done = function () { copy.textContent = target.__strings.copied; };
        if (navigator.clipboard) navigator.clipboard.writeText(pre.textContent).then(done, done); else done();
      });
      box.appendChild(copy);
    });
    target.textContent = "";
    target.appendChild(frag);
  }
  function call(fn, arg) {
    try { return Promise.resolve(typeof fn === "function" ? fn(arg) : undefined); } catch (e) { return Promise.reject(e); }
  }

  function WebChatClient(options) {
    if (!(this instanceof WebChatClient)) return new WebChatClient(options);
    options = options || {};
    var config = options.config || {};
    var auth = options.auth || {};
    var ui = options.ui || {};
    var base = ui.base || {}, chatBotUi = ui.chatBot || {}, header = ui.header || {}, footer = ui.footer || {};
    var userInfo = options.userInfo || {};
    // A bot (config.bot_id), or an app's chatflow (config.type 'app', appInfo: {appId, workflowId}).
    var appInfo = config.type === "app" ? (config.appInfo || {}) : null;
    var botId = appInfo ? "" : String(config.bot_id || config.botId || "");
    var workflowId = appInfo ? String(appInfo.workflowId || appInfo.workflow_id || "") : "";
    var appId = appInfo ? String(appInfo.appId || appInfo.app_id || "") : "";
    if (appInfo && !workflowId) throw new Error("CozeWebSDK.WebChatClient: config.appInfo.workflowId is required");
    if (!appInfo && !botId) throw new Error("CozeWebSDK.WebChatClient: config.bot_id is required");
    var targetKey = botId || "workflow:" + appId + ":" + workflowId;
    function target(extra) {
      var out = botId ? { bot_id: botId } : { workflow_id: workflowId };
      if (appId) out.app_id = appId;
      Object.keys(extra || {}).forEach(function (k) { out[k] = extra[k]; });
      return out;
    }
    var showCalls = chatBotUi.isNeedFunctionCallMessage === true;
    var canDelete = chatBotUi.isNeedDeleteMessage === true;
    var canQuote = chatBotUi.isNeedQuote === true;
    var proxyBase = String(config.proxy || config.proxyUrl || scriptBase || location.origin).replace(/\/$/, "");
    var lang = base.lang || ((navigator.language || "").toLowerCase().indexOf("zh") === 0 ? "zh-CN" : "en");
    var t = STRINGS[lang] || STRINGS.en;
    var mount = chatBotUi.el || null;
    var layout = base.layout || (window.innerWidth < 640 ? "mobile" : "pc");
    var feedbackOn = chatBotUi.feedback === true || !!(chatBotUi.feedback && chatBotUi.feedback.isNeedFeedback);
    var uploadable = !!chatBotUi.uploadable;
    var maxUpload = chatBotUi.maxFileSize || 10 * 1024 * 1024;
    var store = null;
    try { store = window.localStorage; } catch (e) { store = null; }
    var anonKey = "cozekit.user:" + proxyBase;
    var userToken = auth.type === "token" && auth.token ? String(auth.token) : "";
    var fromSite = !!userToken || typeof auth.onRefreshToken === "function";
    var self = this;

    var host = el("div");
    host.setAttribute("data-cozekit-widget", targetKey);
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var style = el("style");
    style.textContent = CSS;
    root.appendChild(style);

    var launcher = el("button", "launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-label", t.open);
    launcher.setAttribute("aria-expanded", "false");
    if (safeUrl(base.icon)) { var li = el("img"); li.src = safeUrl(base.icon); li.alt = ""; launcher.appendChild(li); }
    else launcher.innerHTML = ICON;

    var panel = el("section", "panel" + (mount ? " inline" : layout === "mobile" ? " mobile" : ""));
    panel.setAttribute("role", mount ? "region" : "dialog");
    panel.id = "cozekit-panel";
    launcher.setAttribute("aria-controls", panel.id);
    if (!mount && layout !== "mobile") panel.style.width = (parseInt(chatBotUi.width, 10) || 460) + "px";
    var zIndex = base.zIndex !== undefined ? String(base.zIndex) : "2147483000";
    launcher.style.zIndex = zIndex;
    panel.style.zIndex = zIndex;

    var head = el("div", "head"), titleEl = el("h2"), headIcon = el("img");
    headIcon.alt = "";
    headIcon.hidden = true;
    var listButton = iconButton(LIST, t.conversations, "list");
    listButton.setAttribute("aria-expanded", "false");
    var newButton = el("button", "icon newchat", t.newChat);
    newButton.type = "button";
    var closeButton = iconButton(CLOSE, t.close, "close");
    // Coze lists conversations by bot only: an app's chatflow resumes its last one instead.
    if (ui.conversations && ui.conversations.isNeed && botId) head.appendChild(listButton);
    head.appendChild(headIcon);
    head.appendChild(titleEl);
    if (chatBotUi.isNeedAddNewConversation !== false) head.appendChild(newButton);
    if (header.isNeedClose !== false && !mount) head.appendChild(closeButton);
    if (header.isShow !== false) panel.appendChild(head);
    var titleText = chatBotUi.title || "";
    titleEl.textContent = titleText || "Chat";
    panel.setAttribute("aria-label", titleEl.textContent);

    var main = el("div", "main"), convs = el("nav", "convs"), chat = el("div", "chat");
    convs.setAttribute("aria-label", t.conversations);
    var log = el("div", "log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.__strings = t;
    var pending = el("div", "pending");
    var form = el("form"), input = el("textarea"), sendButton = el("button", "send", t.send);
    input.placeholder = t.placeholder;
    input.setAttribute("aria-label", t.input);
    sendButton.type = "submit";
    var fileInput = el("input");
    fileInput.type = "file";
    fileInput.multiple = true;
    fileInput.accept = TYPES.join(",");
    fileInput.hidden = true;
    fileInput.setAttribute("aria-hidden", "true");
    var attach = iconButton(CLIP, t.upload, "attach");
    if (uploadable) { form.appendChild(attach); form.appendChild(fileInput); }
    form.appendChild(input);
    form.appendChild(sendButton);
    chat.appendChild(log);
    chat.appendChild(pending);
    chat.appendChild(form);
    main.appendChild(convs);
    main.appendChild(chat);
    panel.appendChild(main);
    if (footer.isShow !== false) {
      var foot = el("div", "foot");
      var expression = footer.expressionText || t.footer, vars = footer.linkvars || {};
      expression.split(/(\{\{\s*\w+\s*\}\})/).forEach(function (piece) {
        var m = /^\{\{\s*(\w+)\s*\}\}$/.exec(piece);
        var v = m && vars[m[1]];
        if (v && safeUrl(v.link)) {
          var a = el("a", "", v.text || v.link);
          a.href = safeUrl(v.link);
          a.target = "_blank";
          a.rel = "noopener noreferrer";
          foot.appendChild(a);
        } else if (piece) foot.appendChild(document.createTextNode(m && v ? (v.text || "") : piece));
      });
      panel.appendChild(foot);
    }
    if (!mount && ui.asstBtn && ui.asstBtn.isNeed === false) { launcher.hidden = true; panel.style.bottom = "24px"; }
    if (!mount) root.appendChild(launcher);
    root.appendChild(panel);

    var conversationId = null, loaded = false, busy = null, destroyed = false, open = !!mount;
    var botName = "", botIcon = "", staged = [];

    // --- the proxy, with the end-user token renewed once on 401 -------------------------------------
    function anonymousToken() {
      return fetch(proxyBase + "/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}", credentials: "include" })
        .then(function (res) {
          return res.json().catch(function () { return {}; }).then(function (b) {
            if (!res.ok) throw b;
            if (store) store.setItem(anonKey, b.user_token);
            return b.user_token;
          });
        });
    }
    function ensureToken() {
      if (userToken) return Promise.resolve(userToken);
      if (renewing) return renewing;
      if (fromSite) return renew();
      var saved = store && store.getItem(anonKey);
      if (saved) { userToken = saved; return Promise.resolve(saved); }
      return renew();
    }
    var renewing = null;
    function renew() {
      if (!renewing) {
        renewing = renewNow();
        renewing.then(function () { renewing = null; }, function () { renewing = null; });
      }
      return renewing;
    }
    function renewNow() {
      var old = userToken;
      userToken = "";
      if (fromSite) {
        return call(auth.onRefreshToken, old).then(function (tok) {
          if (!tok) throw { msg: t.error };
          userToken = String(tok);
          return userToken;
        });
      }
      if (store) store.removeItem(anonKey);
      return anonymousToken().then(function (tok) { userToken = tok; return tok; });
    }
    function request(method, path, body, extra, retried) {
      return ensureToken().then(function () {
        var used = userToken;
        var h = { "X-Cozekit-User": used };
        var init = { method: method, headers: h, credentials: "include" };
        if (extra && extra.raw) { h["Content-Type"] = extra.type; init.body = extra.raw; }
        else if (body !== undefined) { h["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
        if (extra && extra.signal) init.signal = extra.signal;
        return fetch(proxyBase + path, init).then(function (res) {
          if (res.status === 401 && !retried) {
            // Renewed once for everyone: a request that raced another's renewal just retries.
            var fresh = userToken && userToken !== used ? Promise.resolve(userToken) : renew();
            return fresh.then(function () { return request(method, path, body, extra, true); });
          }
          return res;
        });
      });
    }
    function errorOf(res) {
      return res.json().catch(function () { return { msg: "HTTP " + res.status }; });
    }
    function conversationKey() {
      return "cozekit.conversation:" + proxyBase + ":" + targetKey + ":" + tokenTag(userToken);
    }
    function remember(id) {
      conversationId = id;
      try { if (store) { if (id) store.setItem(conversationKey(), id); else store.removeItem(conversationKey()); } } catch (e) { /* private mode */ }
      Array.prototype.forEach.call(convs.querySelectorAll("li"), function (li) { li.classList.toggle("current", li.__id === id); });
    }

    // --- the log ------------------------------------------------------------------------------------
    function scroll() { log.scrollTop = log.scrollHeight; }
    function avatar(url, label) {
      if (safeUrl(url)) { var img = el("img", "avatar"); img.src = safeUrl(url); img.alt = ""; return img; }
      var a = el("span", "avatar", (label || "?").charAt(0).toUpperCase());
      a.setAttribute("aria-hidden", "true");
      return a;
    }
    function addRow(role, text, files) {
      var row = el("div", "row " + role);
      var who = role === "user" ? (userInfo.nickname || t.you) : (botName || titleText || "Bot");
      row.appendChild(avatar(role === "user" ? userInfo.url : botIcon, who));
      var stack = el("div", "stack");
      stack.appendChild(el("span", "name", who));
      var bubble = el("div", "msg");
      bubble.__strings = t;
      if (role === "user") bubble.textContent = text;
      else renderMarkdown(bubble, text);
      stack.appendChild(bubble);
      if (files && files.length) {
        var box = el("div", "files");
        files.forEach(function (f) {
          if (f.preview) { var img = el("img"); img.src = f.preview; img.alt = f.name; box.appendChild(img); }
          else box.appendChild(el("span", "chipfile", f.name));
        });
        stack.appendChild(box);
      }
      row.appendChild(stack);
      log.appendChild(row);
      scroll();
      return { row: row, stack: stack, bubble: bubble };
    }
    function showError(body) {
      var text = (body && body.msg) || t.error;
      if (body && body.code) text += " (code " + body.code + (body.logid ? ", logid " + body.logid : "") + ")";
      var e = el("div", "err", text);
      e.setAttribute("role", "alert");
      log.appendChild(e);
      scroll();
    }
    function chips(texts, label) {
      var row = el("div", "chips");
      row.setAttribute("role", "group");
      row.setAttribute("aria-label", label || t.suggestions);
      texts.forEach(function (q) {
        var chip = el("button", "chip", q);
        chip.type = "button";
        chip.addEventListener("click", function () { row.remove(); send(q); });
        row.appendChild(chip);
      });
      log.appendChild(row);
      scroll();
    }
    var feedbackPanel = chatBotUi.feedback && chatBotUi.feedback.feedbackPanel;
    // After a thumbs down: why? (ui.chatBot.feedback.feedbackPanel: title, placeholder, tags)
    function reasonsForm(stack, path) {
      var old = stack.querySelector(".reasons");
      if (old) old.remove();
      var box = el("div", "reasons");
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", feedbackPanel.title || t.why);
      box.appendChild(el("div", "why", feedbackPanel.title || t.why));
      var picked = [];
      (feedbackPanel.tags || []).forEach(function (tag) {
        var label = String(tag && tag.label !== undefined ? tag.label : tag);
        var b = el("button", "chip tag", label);
        b.type = "button";
        b.setAttribute("aria-pressed", "false");
        b.addEventListener("click", function () {
          var on = picked.indexOf(label) < 0;
          if (on) picked.push(label); else picked.splice(picked.indexOf(label), 1);
          b.setAttribute("aria-pressed", String(on));
        });
        box.appendChild(b);
      });
      var comment = el("textarea", "comment");
      comment.maxLength = 250;
      comment.placeholder = feedbackPanel.placeholder || "";
      comment.setAttribute("aria-label", feedbackPanel.placeholder || t.why);
      box.appendChild(comment);
      var submit = el("button", "chip submit", t.submit);
      submit.type = "button";
      submit.addEventListener("click", function () {
        var body = { feedback_type: "unlike", reason_types: picked.slice(0, 10), comment: comment.value.slice(0, 250) };
        request("POST", path, body).then(function (res) {
          if (!res.ok) return errorOf(res).then(showError);
          box.textContent = "";
          box.appendChild(el("div", "why", t.thanks));
        });
      });
      box.appendChild(submit);
      stack.appendChild(box);
    }
    function rateButtons(stack, messageId) {
      if (!feedbackOn || !messageId) return;
      var bar = el("div", "actions");
      var up = iconButton(UP, t.like, "up"), down = iconButton(UP, t.unlike, "down");
      var convo = conversationId;
      [up, down].forEach(function (b) {
        b.setAttribute("aria-pressed", "false");
        b.addEventListener("click", function () {
          var on = b.getAttribute("aria-pressed") !== "true";
          var kind = on ? (b === up ? "like" : "unlike") : null;
          var path = "/conversations/" + encodeURIComponent(convo) + "/messages/" + encodeURIComponent(messageId) + "/feedback";
          request("POST", path, { feedback_type: kind }).then(function (res) {
            if (!res.ok) return errorOf(res).then(showError);
            up.setAttribute("aria-pressed", String(kind === "like"));
            down.setAttribute("aria-pressed", String(kind === "unlike"));
            var shown = stack.querySelector(".reasons");
            if (kind === "unlike" && feedbackPanel) reasonsForm(stack, path);
            else if (shown) shown.remove();
          });
        });
        bar.appendChild(b);
      });
      stack.appendChild(bar);
    }
    // ui.chatBot.isNeedQuote: put a reply into the input as a markdown quote.
    function quoteButton(stack, text) {
      if (!canQuote || !text) return;
      var b = el("button", "icon small quote", t.quote);
      b.type = "button";
      b.addEventListener("click", function () {
        var quoted = text.split("\n").map(function (l) { return "> " + l; }).join("\n") + "\n\n";
        input.value = quoted + input.value;
        input.focus();
        input.setSelectionRange(input.value.length, input.value.length);
      });
      var bar = stack.querySelector(".actions") || stack.appendChild(el("div", "actions"));
      bar.appendChild(b);
    }
    // ui.chatBot.isNeedDeleteMessage: the visitor deletes a question they sent (the proxy checks it is theirs).
    function deleteButton(row, messageId) {
      if (!canDelete || !messageId || row.querySelector(".delmsg")) return;
      var convo = conversationId;
      var b = el("button", "icon small delmsg", t.del);
      b.type = "button";
      b.setAttribute("aria-label", t.delMessage);
      b.addEventListener("click", function () {
        if (b.getAttribute("data-confirm") !== "1") { b.setAttribute("data-confirm", "1"); b.textContent = t.confirmDelete; return; }
        var path = "/conversations/" + encodeURIComponent(convo) + "/messages/" + encodeURIComponent(messageId);
        request("DELETE", path).then(function (res) {
          if (!res.ok) return errorOf(res).then(showError);
          row.remove();
          input.focus();
        });
      });
      row.setAttribute("data-id", messageId);
      var stack = row.querySelector(".stack");
      var bar = stack.querySelector(".actions") || stack.appendChild(el("div", "actions"));
      bar.appendChild(b);
    }
    // After a reply: find the question's id (same chat) so it can be deleted.
    function findQuestion(row, chatId) {
      if (!canDelete || !chatId || !conversationId) return;
      var convo = conversationId;
      request("GET", "/conversations/" + encodeURIComponent(convo) + "/messages?limit=10").then(function (res) {
        if (!res.ok) return;
        return res.json().then(function (b) {
          b.messages.forEach(function (m) { if (m.role === "user" && m.chat_id === chatId) deleteButton(row, m.id); });
        });
      });
    }
    // ui.chatBot.isNeedFunctionCallMessage: the bot's tool calls and their results, as plain text.
    function toolRow(kind, content) {
      var box = el("details", "tool " + kind);
      box.appendChild(el("summary", "", kind === "function_call" ? t.functionCall : t.toolResponse));
      box.appendChild(el("pre", "", content));
      log.appendChild(box);
      scroll();
      return box;
    }
    function describe(m) {
      if (m.content_type !== "object_string") return { text: m.content, files: [] };
      var items = [];
      try { items = JSON.parse(m.content) || []; } catch (e) { return { text: m.content, files: [] }; }
      var text = [], files = [];
      items.forEach(function (i) {
        if (i.type === "text") text.push(i.text || "");
        else files.push({ name: i.name || (i.type === "image" ? t.image : t.file) });
      });
      return { text: text.join("\n"), files: files };
    }

    // --- onboarding, history and conversations ------------------------------------------------------
    var onboarding = null;
    function loadBot() {
      if (!botId) return Promise.resolve();
      return request("GET", "/bots/" + encodeURIComponent(botId)).then(function (res) {
        if (!res.ok) return;
        return res.json().then(function (b) {
          onboarding = b;
          botName = b.name || "";
          botIcon = b.icon_url || "";
          if (!titleText) { titleEl.textContent = botName || "Chat"; panel.setAttribute("aria-label", titleEl.textContent); }
          if (safeUrl(botIcon)) { headIcon.src = safeUrl(botIcon); headIcon.hidden = false; }
        });
      }).catch(function () { /* the greeting is optional */ });
    }
    function greet() {
      if (!onboarding || log.querySelector(".row")) return;
      if (onboarding.prologue) addRow("bot", onboarding.prologue).row.classList.add("greeting");
      if (onboarding.suggested_questions && onboarding.suggested_questions.length) chips(onboarding.suggested_questions);
    }
    function lastConversation() {
      var saved = store && store.getItem(conversationKey());
      if (saved || !botId) return Promise.resolve(saved || null);
      return request("GET", "/conversations?limit=1&bot_id=" + encodeURIComponent(botId)).then(function (res) {
        if (!res.ok) return null;
        return res.json().then(function (b) { return b.conversations.length ? b.conversations[0].id : null; });
      });
    }
    function loadMessages(id) {
      return request("GET", "/conversations/" + encodeURIComponent(id) + "/messages?limit=50").then(function (res) {
        if (res.status === 404) { remember(null); return; }
        if (!res.ok) return errorOf(res).then(showError);
        return res.json().then(function (b) {
          if (conversationId !== id) return;
          b.messages.forEach(function (m) {
            var d = describe(m);
            var r = addRow(m.role === "user" ? "user" : "bot", d.text, d.files);
            if (m.role !== "user") { r.row.setAttribute("data-done", m.id); rateButtons(r.stack, m.id); quoteButton(r.stack, d.text); }
            else deleteButton(r.row, m.id);
          });
        });
      });
    }
    function start() {
      if (loaded) return;
      loaded = true;
      Promise.all([loadBot(), ensureToken().then(lastConversation)]).then(function (found) {
        var id = found[1];
        if (conversationId || busy) return;
        if (!id) { greet(); return; }
        remember(id);
        return loadMessages(id).then(greet);
      }).catch(function (b) { showError(b && b.msg ? b : { msg: t.network }); });
    }
    function switchTo(id) {
      if (busy) busy.abort();
      log.textContent = "";
      remember(id);
      if (id) loadMessages(id).then(greet); else greet();
      if (layout === "mobile") toggleList(false);
      input.focus();
    }
    function newConversation() {
      if (busy) busy.abort();
      return request("POST", "/conversations", target()).then(function (res) {
        if (!res.ok) return errorOf(res).then(showError);
        return res.json().then(function (b) { switchTo(b.conversation_id); refreshList(); });
      });
    }
    function refreshList() {
      if (!convs.classList.contains("open")) return Promise.resolve();
      return request("GET", "/conversations?limit=50&bot_id=" + encodeURIComponent(botId)).then(function (res) {
        if (!res.ok) return errorOf(res).then(showError);
        return res.json().then(function (b) {
          convs.textContent = "";
          var fresh = el("button", "chip", "+ " + t.newChat);
          fresh.type = "button";
          fresh.addEventListener("click", newConversation);
          convs.appendChild(fresh);
          var ul = el("ul");
          if (!b.conversations.length) ul.appendChild(el("li", "empty", t.noConversations));
          b.conversations.forEach(function (c) { ul.appendChild(conversationItem(c)); });
          convs.appendChild(ul);
        });
      });
    }
    function conversationItem(c) {
      var li = el("li");
      li.__id = c.id;
      li.classList.toggle("current", c.id === conversationId);
      var label = c.name || new Date((c.updated_at || c.created_at) * 1000).toLocaleString(lang) || t.untitled;
      var pick = el("button", "pick", label);
      pick.type = "button";
      pick.title = label;
      pick.addEventListener("click", function () { switchTo(c.id); });
      var rename = el("button", "icon small rename", t.rename);
      rename.type = "button";
      rename.setAttribute("aria-label", t.rename + ": " + label);
      var del = el("button", "icon small delete", t.del);
      del.type = "button";
      del.setAttribute("aria-label", t.del + ": " + label);
      rename.addEventListener("click", function () {
        var box = el("input");
        box.value = c.name || "";
        box.maxLength = 100;
        box.setAttribute("aria-label", t.rename);
        li.replaceChild(box, pick);
        box.focus();
        box.addEventListener("keydown", function (e) {
          if (e.key === "Escape") { e.stopPropagation(); li.replaceChild(pick, box); pick.focus(); }
          if (e.key === "Enter" && box.value.trim()) {
            e.preventDefault();
            request("PATCH", "/conversations/" + encodeURIComponent(c.id), { name: box.value.trim() }).then(function (res) {
              if (!res.ok) return errorOf(res).then(showError);
              return refreshList();
            });
          }
        });
      });
      del.addEventListener("click", function () {
        if (del.getAttribute("data-confirm") !== "1") { del.setAttribute("data-confirm", "1"); del.textContent = t.confirmDelete; return; }
        request("DELETE", "/conversations/" + encodeURIComponent(c.id)).then(function (res) {
          if (!res.ok) return errorOf(res).then(showError);
          if (c.id === conversationId) switchTo(null);
          return refreshList();
        });
      });
      li.appendChild(pick);
      li.appendChild(rename);
      li.appendChild(del);
      return li;
    }
    function toggleList(show) {
      convs.classList.toggle("open", show);
      listButton.setAttribute("aria-expanded", String(show));
      if (show) refreshList();
    }
    listButton.addEventListener("click", function () { toggleList(!convs.classList.contains("open")); });
    newButton.addEventListener("click", newConversation);

    // --- files --------------------------------------------------------------------------------------
    function renderStaged() {
      pending.textContent = "";
      staged.forEach(function (f) {
        var chip = el("span", "", f.file_id ? f.name : t.uploading + " " + f.name);
        var x = el("button", "icon", "×");
        x.type = "button";
        x.setAttribute("aria-label", t.remove + ": " + f.name);
        x.addEventListener("click", function () { staged.splice(staged.indexOf(f), 1); renderStaged(); });
        chip.appendChild(x);
        pending.appendChild(chip);
      });
    }
    function addFiles(list) {
      Array.prototype.forEach.call(list, function (file) {
        if (TYPES.indexOf(file.type) < 0) { showError({ msg: format(t.badType, { name: file.name }) }); return; }
        if (file.size > maxUpload) { showError({ msg: format(t.tooBig, { name: file.name, size: sizeText(maxUpload) }) }); return; }
        var item = { name: file.name, type: file.type.indexOf("image/") === 0 ? "image" : "file", file_id: null,
          preview: file.type.indexOf("image/") === 0 ? URL.createObjectURL(file) : "" };
        staged.push(item);
        renderStaged();
        request("POST", "/files?name=" + encodeURIComponent(file.name), undefined, { raw: file, type: file.type }).then(function (res) {
          if (!res.ok) return errorOf(res).then(function (b) { staged.splice(staged.indexOf(item), 1); renderStaged(); showError(b); });
          return res.json().then(function (b) { item.file_id = b.file_id; item.name = b.file_name; renderStaged(); });
        }).catch(function () { staged.splice(staged.indexOf(item), 1); renderStaged(); showError({ msg: t.network }); });
      });
    }
    attach.addEventListener("click", function () { fileInput.click(); });
    fileInput.addEventListener("change", function () { addFiles(fileInput.files); fileInput.value = ""; });

    // --- sending and streaming ---------------------------------------------------------------------
    function readEvents(res, onEvent) {
      var reader = res.body.getReader(), decoder = new TextDecoder(), buffer = "";
      function pump() {
        return reader.read().then(function (step) {
          buffer += decoder.decode(step.value || new Uint8Array(), { stream: !step.done });
          var end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            var frame = buffer.slice(0, end), name = "", data = "";
            buffer = buffer.slice(end + 2);
            frame.split("\n").forEach(function (line) {
              if (line.indexOf("event:") === 0) name = line.slice(6).trim();
              else if (line.indexOf("data:") === 0) data += line.slice(5).trim();
            });
            if (name) onEvent(name, data ? JSON.parse(data) : null);
          }
          if (!step.done) return pump();
        });
      }
      return pump();
    }
    function setBusy(controller) {
      busy = controller;
      sendButton.textContent = controller ? t.stop : t.send;
      sendButton.classList.toggle("stop", !!controller);
      sendButton.setAttribute("aria-label", controller ? t.stop : t.send);
    }
    // Sends now (true), or not at all (false: nothing to send, a reply streaming, a file still uploading).
    function send(text) {
      if (busy) return false;
      var ready = staged.filter(function (f) { return f.file_id; });
      if (!text.trim() && !ready.length) return false;
      if (staged.length !== ready.length) return false;
      staged = [];
      renderStaged();
      Array.prototype.forEach.call(log.querySelectorAll(".chips"), function (c) { c.remove(); });
      var asked = addRow("user", text, ready), chatId = "";
      var answers = {}, suggestions = [], current = addRow("bot", t.thinking);
      current.row.setAttribute("aria-busy", "true");
      var controller = new AbortController();
      setBusy(controller);
      var body = target({ message: text });
      if (showCalls) body.show_function_calls = true;
      if (ready.length) body.attachments = ready.map(function (f) { return { type: f.type, file_id: f.file_id }; });
      if (conversationId) body.conversation_id = conversationId;
      function slot(id) {
        if (!answers[id]) { answers[id] = current || addRow("bot", ""); answers[id].text = ""; current = null; }
        return answers[id];
      }
      function paint(a) {
        if (a.queued) return;
        a.queued = true;
        setTimeout(function () { a.queued = false; renderMarkdown(a.bubble, a.text); scroll(); }, 16);
      }
      request("POST", "/chat", body, { signal: controller.signal }).then(function (res) {
        if (!res.ok) return errorOf(res).then(function (b) { if (current) current.row.remove(); current = null; showError(b); });
        return readEvents(res, function (name, data) {
          if (name === "conversation.chat.created") {
            if (conversationId !== data.conversation_id) { remember(data.conversation_id); refreshList(); }
          } else if (name === "conversation.message.completed" && (data.type === "function_call" || data.type === "tool_response")) {
            toolRow(data.type, data.content);
          } else if (name === "conversation.message.delta" && data.type === "answer") {
            var a = slot(data.id);
            a.text += data.content;
            paint(a);
          } else if (name === "conversation.message.completed" && data.type === "answer") {
            var done = slot(data.id);
            done.text = data.content;
            done.id = data.id;
            chatId = data.chat_id || chatId;
            quoteButton(done.stack, data.content);
            renderMarkdown(done.bubble, done.text);
            done.row.removeAttribute("aria-busy");
            done.row.setAttribute("data-done", data.id);
            rateButtons(done.stack, data.id);
          } else if (name === "conversation.message.completed" && data.type === "follow_up") {
            suggestions.push(data.content);
          } else if (name === "conversation.chat.failed") {
            showError(data.last_error || { msg: t.failed });
          } else if (name === "error") {
            showError(data);
          }
        });
      }).catch(function (err) {
        if (!(err && err.name === "AbortError")) showError(err && err.msg ? err : { msg: t.network });
      }).then(function () {
        if (current) current.row.remove();
        Object.keys(answers).forEach(function (k) { answers[k].row.removeAttribute("aria-busy"); });
        if (suggestions.length && !destroyed) chips(suggestions);
        setBusy(null);
        findQuestion(asked.row, chatId);
      });
      return true;
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (busy) { busy.abort(); return; }
      if (send(input.value)) input.value = "";
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        if (form.requestSubmit) form.requestSubmit(); else sendButton.click();
      }
    });
    // The open panel (a dialog) keeps keyboard focus: Tab and Shift+Tab cycle inside it.
    function focusables() {
      return Array.prototype.filter.call(panel.querySelectorAll("button, textarea, input, a[href], summary, [tabindex]"), function (n) {
        return !n.disabled && !n.hidden && n.tabIndex >= 0 && n.getClientRects().length > 0;
      });
    }
    panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !mount && header.isNeedClose !== false) { e.preventDefault(); self.hideChatBot(); return; }
      if (e.key !== "Tab" || mount) return;
      var items = focusables();
      if (!items.length) return;
      var active = root.activeElement, first = items[0], last = items[items.length - 1];
      if (e.shiftKey && (active === first || items.indexOf(active) < 0)) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && (active === last || items.indexOf(active) < 0)) { e.preventDefault(); first.focus(); }
    });

    // --- showing and hiding -------------------------------------------------------------------------
    var pageOverflow = null;
    function lockPage(lock) {
      // Full screen on a phone: the page behind must not scroll (nor show its scrollbar).
      if (layout !== "mobile" || mount) return;
      var rootStyle = document.documentElement.style;
      if (lock && pageOverflow === null) { pageOverflow = rootStyle.overflow; rootStyle.overflow = "hidden"; }
      if (!lock && pageOverflow !== null) { rootStyle.overflow = pageOverflow; pageOverflow = null; }
    }
    function setOpen(show) {
      open = show;
      lockPage(show);
      panel.classList.toggle("open", show);
      launcher.setAttribute("aria-expanded", String(show));
      if (show) { start(); input.focus(); } else if (!launcher.hidden) launcher.focus();
    }
    this.showChatBot = function () {
      if (destroyed || mount) return Promise.resolve();
      return call(chatBotUi.onBeforeShow).then(function (ok) {
        if (ok === false || destroyed) return;
        setOpen(true);
        return call(chatBotUi.onShow);
      });
    };
    this.hideChatBot = function () {
      if (destroyed || mount || !open) return Promise.resolve();
      return call(chatBotUi.onBeforeHide).then(function (ok) {
        if (ok === false || destroyed) return;
        setOpen(false);
        return call(chatBotUi.onHide);
      });
    };
    this.destroy = function () {
      destroyed = true;
      lockPage(false);
      if (busy) busy.abort();
      host.remove();
    };
    launcher.addEventListener("click", function () { if (open) self.hideChatBot(); else self.showChatBot(); });
    closeButton.addEventListener("click", function () { self.hideChatBot(); });

    function attachHost() {
      if (destroyed) return;
      (mount || document.body).appendChild(host);
      if (mount) start();
    }
    if (mount || document.body) attachHost(); else document.addEventListener("DOMContentLoaded", attachHost);
  }

  var sdk = window.CozeWebSDK = window.CozeWebSDK || {};
  sdk.WebChatClient = WebChatClient;

  // The original script-tag form: data-bot-id, data-user-token, data-title, data-proxy.
  if (script && script.getAttribute("data-bot-id")) {
    var token = script.getAttribute("data-user-token");
    var client = new WebChatClient({
      config: { bot_id: script.getAttribute("data-bot-id"), proxy: script.getAttribute("data-proxy") || undefined },
      auth: token ? { type: "token", token: token } : undefined,
      ui: { chatBot: { title: script.getAttribute("data-title") || undefined }, conversations: { isNeed: true } }
    });
    window.CozekitWidget = {
      client: client,
      open: function () { return client.showChatBot(); },
      close: function () { return client.hideChatBot(); },
      destroy: function () { client.destroy(); }
    };
  }
})();
