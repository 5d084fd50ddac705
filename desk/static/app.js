// The Office's desk: plain JavaScript, no build step, no inline script (the
// page's Content-Security-Policy forbids it). Inside Telegram every API call
// carries the Mini App's signed init data; in a browser, the session cookie
// and the CSRF token /app/api/me hands out.
"use strict";
(function () {
  const T = {
    vi: {
      skip: "Bỏ qua, đến nội dung chính", title: "Bàn làm việc của Văn phòng Sở",
      tab_grid: "Tình hình nộp", tab_register: "Sổ tiếp nhận", tab_mine: "Đơn vị của tôi", logout: "Đăng xuất", logged_out: "Đồng chí đã đăng xuất. Để đăng nhập lại, đề nghị gửi lệnh /web cho bot.",
      f_obligation: "Báo cáo", f_period: "Kỳ", f_state: "Tình trạng", f_unit: "Đơn vị", f_all: "Tất cả", f_current: "Kỳ hiện tại",
      export: "Xuất Excel", back: "← Quay lại", audit: "Nhật ký xử lý", search: "Tìm", unit: "Đơn vị",
      grid_caption: "Tình hình nộp báo cáo của các đơn vị, cập nhật khi mở trang",
      deadline: "hạn", receipt: "Mã tiếp nhận", version: "Phiên bản", docno: "Số, ký hiệu", received: "Thời gian nhận",
      sent_by: "Người nộp", timeliness: "Thời hạn", status: "Tình trạng", reviewed: "Người xử lý", reason: "Lý do", files: "Tệp",
      accept: "✅ Tiếp nhận", ret: "↩️ Trả lại", ret_reason: "Lý do trả lại (gửi nguyên văn cho đơn vị)", ret_send: "Gửi trả lại",
      approve: "✅ Đồng ý gia hạn", refuse: "❌ Không đồng ý", extension: "Đề nghị gia hạn đến", upload: "Nộp tệp báo cáo", upload_send: "Gửi tệp",
      no_subs: "Chưa có báo cáo nào được nộp.", nothing: "Không có mục nào.", obligation: "Báo cáo", period: "Kỳ",
      who: "%s — %s",
      e_unauthorized: "Không xác minh được đồng chí. Đề nghị đồng chí mở Bàn làm việc từ nút menu của bot trong Telegram, hoặc gửi lệnh /web cho bot để nhận đường dẫn đăng nhập mới.",
      e_forbidden: "Đồng chí không có quyền dùng Bàn làm việc này. Nếu đồng chí là cán bộ của Sở, đề nghị liên hệ Văn phòng Sở để được mời tham gia bot.",
      e_csrf: "Phiên làm việc đã thay đổi. Đề nghị tải lại trang.", e_rate_limited: "Đồng chí thao tác quá nhanh. Đề nghị chờ một phút rồi thực hiện lại.",
      e_reason_empty: "Đề nghị nhập lý do trả lại.", e_unknown_selection: "Không có báo cáo hoặc kỳ này.", e_too_big: "Tệp quá lớn.",
      e_not_found: "Không tìm thấy mục này.", e_internal: "Máy chủ gặp lỗi; thao tác chưa được thực hiện. Đề nghị thực hiện lại sau.", e_bad_request: "Yêu cầu không hợp lệ.",
      login_invalid: "Đường dẫn đăng nhập đã được sử dụng hoặc đã hết hạn. Đề nghị gửi lệnh /web cho bot để nhận đường dẫn mới."
    },
    en: {
      skip: "Skip to the main content", title: "The Department Office's desk",
      tab_grid: "Submissions", tab_register: "Register", tab_mine: "My unit", logout: "Sign out", logged_out: "You are signed out. To come back, send /web to the bot.",
      f_obligation: "Report", f_period: "Period", f_state: "State", f_unit: "Unit", f_all: "All", f_current: "Current period",
      export: "Export to Excel", back: "← Back", audit: "Audit trail", search: "Search", unit: "Unit",
      grid_caption: "Where each unit stands, as of opening the page",
      deadline: "due", receipt: "Receipt no.", version: "Version", docno: "Document no.", received: "Received",
      sent_by: "Sent by", timeliness: "Timeliness", status: "State", reviewed: "Reviewed by", reason: "Reason", files: "Files",
      accept: "✅ Accept", ret: "↩️ Return", ret_reason: "Reason for returning (sent to the unit as written)", ret_send: "Return it",
      approve: "✅ Approve extension", refuse: "❌ Refuse", extension: "Extension asked until", upload: "Submit the report file", upload_send: "Send file",
      no_subs: "Nothing submitted yet.", nothing: "Nothing here.", obligation: "Report", period: "Period",
      who: "%s — %s",
      e_unauthorized: "We could not verify who you are. Open the desk from the bot's menu button in Telegram, or send /web to the bot for a new sign-in link.",
      e_forbidden: "You may not use this desk. If you work for the Department, ask the Office to invite you to the bot.",
      e_csrf: "Your session changed. Please reload the page.", e_rate_limited: "Too many requests. Please wait a minute and try again.",
      e_reason_empty: "Please give a reason for returning it.", e_unknown_selection: "No such report or period.", e_too_big: "The file is too large.",
      e_not_found: "Not found.", e_internal: "Something went wrong on the server; nothing was done. Please try again later.", e_bad_request: "The request was not valid.",
      login_invalid: "This sign-in link was used or has expired. Send /web to the bot for a new one."
    }
  };
  const tg = window.Telegram && window.Telegram.WebApp;
  const initData = tg && tg.initData ? tg.initData : "";
  // Until the server says, follow Telegram's language (from the init data,
  // unverified but only used for words), else the browser's.
  const hinted = (() => { try { return JSON.parse(new URLSearchParams(initData).get("user")).language_code || ""; } catch (_) { return ""; } })();
  let lang = (hinted || navigator.language || "vi").toLowerCase().startsWith("en") ? "en" : "vi";
  let me = null, csrf = "", grid = null;
  const $ = (id) => document.getElementById(id);
  const t = (k, ...a) => { let s = (T[lang] || T.vi)[k] || T.vi[k] || k; a.forEach((x) => { s = s.replace("%s", x); }); return s; };

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") e.textContent = v;
      else if (k === "fill") e.style.backgroundColor = v; // CSSOM: allowed by the CSP, unlike a style attribute
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (v !== false && v != null) e.setAttribute(k, v === true ? "" : v);
    }
    kids.flat().forEach((k) => { if (k != null) e.append(k); });
    return e;
  }

  class APIError extends Error {}

  async function api(method, path, body) {
    const headers = {};
    if (initData) headers.Authorization = "tma " + initData;
    if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
    let payload = body;
    if (body && !(body instanceof FormData)) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
    const res = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
    if (!res.ok) {
      let code = "internal";
      try { code = (await res.json()).error || code; } catch (_) { /* not JSON */ }
      throw new APIError(code);
    }
    return res;
  }
  const getJSON = async (path) => (await api("GET", path)).json();

  function refuse(err) {
    const code = err instanceof APIError ? err.message : "internal";
    const box = $("refusal");
    box.textContent = t("e_" + code);
    box.dataset.code = code;
    box.hidden = false;
    box.setAttribute("tabindex", "-1");
    box.focus();
  }
  function notice(msg) { $("notice").textContent = msg || ""; }

  function translatePage() {
    document.documentElement.lang = lang;
    document.title = t("title");
    document.querySelectorAll("[data-t]").forEach((e) => { e.textContent = t(e.dataset.t); });
  }

  function show(view) {
    ["grid", "unit", "register"].forEach((v) => { $("view-" + v).hidden = v !== view; });
    document.querySelectorAll("#tabs button[data-view]").forEach((b) => {
      if (b.dataset.view === view) b.setAttribute("aria-current", "page"); else b.removeAttribute("aria-current");
    });
  }

  // download saves a file through a short-lived signed link: inside
  // Telegram the client itself fetches it (WebApp.downloadFile), without the
  // page's init data; in a browser the link is simply followed.
  async function download(path, name) {
    try {
      const link = new URL((await getJSON("/app/api/link?" + new URLSearchParams({ for: path }))).url, location.href).href;
      if (initData && tg.downloadFile) { tg.downloadFile({ url: link, file_name: name }); return; }
      const a = el("a", { href: link, download: name });
      document.body.append(a); a.click(); a.remove();
    } catch (e) { refuse(e); }
  }

  // The matrix.
  async function loadGrid() {
    const q = new URLSearchParams({ obligation: $("f-obligation").value, period: $("f-period").value });
    try { grid = await getJSON("/app/api/grid?" + q); } catch (e) { refuse(e); return; }
    fillSelect($("f-obligation"), grid.obligations.map((o) => [o.code, o.code + " — " + o.name]));
    fillSelect($("f-period"), grid.periods.map((p) => [p.code, p.name]));
    fillSelect($("f-state"), grid.legend.map((s) => [s.key, s.symbol + " " + s.label]));
    $("legend").replaceChildren(...grid.legend.map((s) => el("li", {}, el("span", { class: "mark", fill: s.fill, text: s.symbol }), " " + s.label)));
    drawGrid();
    show("grid");
  }
  function fillSelect(sel, options) {
    const keep = sel.value, first = sel.options[0];
    sel.replaceChildren(first, ...options.map(([v, label]) => el("option", { value: v, text: label })));
    sel.value = keep;
  }
  function drawGrid() {
    const state = $("f-state").value, unit = $("f-unit").value.trim().toLowerCase();
    $("grid-caption").textContent = t("grid_caption");
    $("grid").tHead.replaceChildren(el("tr", {}, el("th", { scope: "col", text: t("unit") }),
      grid.columns.map((c) => el("th", { scope: "col", title: c.title }, c.obligation, el("br"), c.periodName, el("br"), t("deadline") + " " + c.deadline))));
    const rows = grid.rows.filter((r) => (!unit || (r.code + " " + r.name).toLowerCase().includes(unit)) &&
      (!state || r.cells.some((c) => c.key === state)));
    $("grid").tBodies[0].replaceChildren(...rows.map((r) => el("tr", { "data-unit": r.code },
      el("th", { scope: "row" }, el("button", { type: "button", class: "linklike", title: r.name, "aria-label": r.code + " — " + r.name, onclick: () => openUnit(r.unitId) },
        r.code, el("span", { class: "uname", text: " — " + r.name }))),
      r.cells.map((c) => el("td", { class: "cell", fill: c.fill, "data-state": c.key, title: c.label }, el("span", { "aria-hidden": "true", text: c.symbol }), el("span", { class: "skip", text: c.label }))))));
  }

  // A unit's page.
  async function openUnit(id) {
    let page;
    try { page = await getJSON("/app/api/units/" + id); } catch (e) { refuse(e); return; }
    $("unit-h").textContent = page.code + " — " + page.name;
    $("back").hidden = !isOverseer();
    $("unit-items").replaceChildren(...(page.items.length ? page.items.map((it) => itemView(it, id)) : [el("p", { text: t("nothing") })]));
    $("unit-audit").replaceChildren(...page.audit.map((a) => el("li", {}, a.at + " — " + a.who + " — " + a.action + (a.detail ? " — " + a.detail : ""))));
    show("unit");
    $("unit-h").setAttribute("tabindex", "-1");
    $("unit-h").focus();
  }
  const isOverseer = () => me && ["office", "admin", "director"].includes(me.role);
  const isStaff = () => me && ["office", "admin"].includes(me.role);

  function itemView(it, unitId) {
    const box = el("article", { class: "item", "data-assignment": it.assignmentId },
      el("h3", {}, el("span", { class: "mark", fill: it.state.fill, text: it.state.symbol }), " " + it.obligation + " — " + it.title),
      el("p", {}, it.periodName + " · " + t("deadline") + " " + it.deadline + " · " + it.state.label));
    if (!it.submissions.length) box.append(el("p", { text: t("no_subs") }));
    it.submissions.forEach((s) => box.append(subView(s, unitId)));
    it.extensions.forEach((x) => {
      const row = el("div", { class: "actions", "data-extension": x.id }, el("span", {}, t("extension") + " " + x.proposed + " — " + x.reason + " (" + x.statusText + ")"));
      if (x.status === "pending" && isStaff()) {
        row.append(el("button", { type: "button", onclick: () => act("/app/api/extensions/" + x.id + "/approve", null, unitId) }, t("approve")),
          el("button", { type: "button", onclick: () => act("/app/api/extensions/" + x.id + "/refuse", null, unitId) }, t("refuse")));
      }
      box.append(row);
    });
    if (it.open && me && ["head", "member"].includes(me.role)) {
      const input = el("input", { type: "file", name: "file", required: true, id: "file-" + it.assignmentId });
      box.append(el("form", { class: "actions upload", onsubmit: (e) => {
        e.preventDefault();
        const fd = new FormData(); fd.append("file", input.files[0]);
        act("/app/api/assignments/" + it.assignmentId + "/upload", fd, unitId);
      } }, el("label", { for: input.id, text: t("upload") }), input, el("button", { type: "submit", class: "primary", text: t("upload_send") })));
    }
    return box;
  }

  function subView(s, unitId) {
    const dl = el("dl");
    const add = (k, v) => { if (v) dl.append(el("dt", { text: t(k) }), el("dd", {}, v)); };
    add("receipt", s.receipt); add("version", String(s.version)); add("docno", s.docNumber); add("received", s.receivedAt);
    add("sent_by", s.sentBy); add("timeliness", s.timeliness); add("status", s.statusText);
    add("reviewed", s.reviewedBy ? s.reviewedBy + " — " + s.reviewedAt : ""); add("reason", s.reason);
    if (s.files.length) {
      dl.append(el("dt", { text: t("files") }), el("dd", {}, s.files.map((f) =>
        el("button", { type: "button", class: "linklike", onclick: () => download("/app/api/files/" + f.id, f.name) }, f.name + " (" + f.size + ")"))));
    }
    const box = el("div", { class: "sub", "data-submission": s.id, "data-status": s.status }, dl);
    if (s.status === "received" && isStaff()) {
      const reason = el("textarea", { id: "reason-" + s.id, rows: 2, required: true });
      box.append(el("div", { class: "actions" },
        el("button", { type: "button", class: "primary accept", onclick: () => act("/app/api/submissions/" + s.id + "/accept", null, unitId) }, t("accept"))),
        el("form", { class: "actions", onsubmit: (e) => { e.preventDefault(); act("/app/api/submissions/" + s.id + "/return", { reason: reason.value }, unitId); } },
          el("label", { for: reason.id, text: t("ret_reason") }), reason, el("button", { type: "submit", class: "return" }, t("ret_send"))));
    }
    return box;
  }

  async function act(path, body, unitId) {
    $("refusal").hidden = true;
    try {
      const out = await (await api("POST", path, body)).json();
      notice(out.message); // before the redraw, so the result is there when the page changes
      await openUnit(unitId);
    } catch (e) { refuse(e); }
  }

  // The register.
  async function loadRegister() {
    let rows;
    try { rows = await getJSON("/app/api/register?" + new URLSearchParams({ q: $("register-q").value })); } catch (e) { refuse(e); return; }
    $("register").tHead.replaceChildren(el("tr", {}, ["receipt", "received", "unit", "obligation", "period", "docno", "status", "files"].map((k) => el("th", { scope: "col", text: t(k) }))));
    $("register").tBodies[0].replaceChildren(...rows.map((r) => el("tr", { "data-receipt": r.receipt },
      el("td", { text: r.receipt }), el("td", { text: r.receivedAt }),
      el("td", {}, el("button", { type: "button", class: "linklike", onclick: () => openUnit(r.unitId) }, r.unit)),
      el("td", { text: r.obligation }), el("td", { text: r.periodName }), el("td", { text: r.docNumber }), el("td", { text: r.statusText }),
      el("td", {}, r.files.map((f) => el("button", { type: "button", class: "linklike", onclick: () => download("/app/api/files/" + f.id, f.name) }, f.name))))));
    show("register");
  }

  async function start() {
    if (tg) { try { tg.ready(); tg.expand(); } catch (_) { /* older clients */ } }
    translatePage();
    if (location.hash === "#login-invalid") { $("refusal").textContent = t("login_invalid"); $("refusal").hidden = false; return; }
    try { me = await getJSON("/app/api/me"); } catch (e) { refuse(e); return; }
    lang = me.lang === "en" ? "en" : "vi";
    csrf = me.csrf || "";
    translatePage();
    $("who").textContent = t("who", me.name, me.roleName + (me.unit ? " " + me.unit : ""));
    document.querySelectorAll("[data-roles]").forEach((e) => { e.hidden = !e.dataset.roles.split(" ").includes(me.role); });
    $("tabs").hidden = false;
    // A browser session can end here; inside Telegram there is nothing to end.
    $("logout").hidden = !csrf;
    $("logout").addEventListener("click", async () => {
      try { await api("POST", "/app/api/logout"); } catch (e) { refuse(e); return; }
      csrf = ""; me = null;
      ["tabs", "view-grid", "view-unit", "view-register"].forEach((id) => { $(id).hidden = true; });
      notice(t("logged_out"));
    });
    document.querySelectorAll("#tabs button[data-view]").forEach((b) => b.addEventListener("click", () => {
      notice("");
      if (b.dataset.view === "grid") loadGrid();
      else if (b.dataset.view === "register") loadRegister();
      else openUnit(me.unitId);
    }));
    $("back").addEventListener("click", () => { notice(""); loadGrid(); });
    $("f-obligation").addEventListener("change", loadGrid);
    $("f-period").addEventListener("change", loadGrid);
    $("f-state").addEventListener("change", drawGrid);
    $("f-unit").addEventListener("input", drawGrid);
    $("filters").addEventListener("submit", (e) => e.preventDefault());
    $("export").addEventListener("click", () => download("/app/api/export?" + new URLSearchParams({ obligation: $("f-obligation").value, period: $("f-period").value }), "bao-cao.xlsx"));
    $("register-search").addEventListener("submit", (e) => { e.preventDefault(); loadRegister(); });
    if (isOverseer()) loadGrid(); else openUnit(me.unitId);
  }
  document.addEventListener("DOMContentLoaded", start);
})();
