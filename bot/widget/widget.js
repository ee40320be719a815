/*
 * Assistant d'orientation ESS – widget de discussion.
 *
 * bot/server.py serves it as /widget.js, after the socket.io client (node_modules, captured in a local
 * `io` so that the host page's globals are untouched) with its CSS and defaults (Rasa URL) filled in.
 *
 *   <script src="https://<serveur>/widget.js" data-partenaire="<id>" defer></script>
 *
 * Attributes: data-partenaire (id from bot/partners.yml), data-mode ("flottant" by default, "integre"
 * fills its container: iframe mode /embed), data-ouvert="true" (opened at load), data-serveur-rasa
 * (Rasa URL, when the browser must reach it through another address).
 *
 * Safety: nothing from the bot or the user is ever parsed as HTML; text is written with text nodes,
 * links are <a> elements built with DOM APIs, for http(s) and mailto URLs only.
 */
(function (io, CSS_TEXT, DEFAULTS) {
  "use strict";

  var MAX_CHARS = 1000;
  var ACK_TIMEOUT = 10000;
  var REPLY_TIMEOUT = 60000;
  var RE_LINK = /(https?:\/\/[^\s<>"'«»]+|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s<>"'«»]*|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/gi;

  var TXT = {
    launcher: "Une question sur votre projet ESS ?",
    title: "Assistant ESS",
    subtitle: "Orientation des projets d'économie sociale et solidaire",
    restart: "Recommencer",
    restartLabel: "Recommencer la conversation",
    close: "Fermer l'assistant",
    log: "Conversation avec l'assistant",
    label: "Votre message",
    hint: "Entrée pour envoyer. 1000 caractères au plus.",
    privacy: "Vos données personnelles",
    send: "Envoyer",
    typing: "L'assistant écrit…",
    you: "Vous : ",
    bot: "Assistant : ",
    newWindow: " (nouvelle fenêtre)",
    pending: "En attente d'envoi",
    empty: "Écrivez un message avant de l'envoyer.",
    tooLong: function (n) {
      return "Votre message est trop long (" + n + " caractères) : résumez-le en " + MAX_CHARS +
        " caractères au plus. Votre texte est conservé dans le champ.";
    },
    counter: function (n) { return n + " / " + MAX_CHARS + " caractères"; },
    connecting: "Connexion à l'assistant…",
    lost: "Connexion perdue. Nouvelle tentative en cours… Vos messages seront envoyés dès le retour de la connexion.",
    back: "Connexion rétablie.",
    unreachable: "Impossible de joindre l'assistant pour le moment. Nouvelle tentative en cours…",
    refused: "L'assistant n'est pas disponible sur ce site : ce site n'est pas autorisé à l'utiliser, " +
      "ou le service est momentanément indisponible.",
    slow: "L'assistant met du temps à répondre. Vous pouvez patienter ou reformuler votre message.",
    queued: "Vous êtes hors connexion : votre message sera envoyé dès le retour de la connexion.",
    why: "Pourquoi : ",
    warning: "Attention : ",
    contact: "Contact : ",
    askAt: "Où demander : ",
    desk: "Pour faire le point",
    noContact: "Pas de contact à jour dans mes sources.",
    checked: "vérifié par le Département le "
  };

  // ---------------------------------------------------------------- configuration ---------------

  var script = document.currentScript ||
    document.querySelector("script[src*='/widget.js']");
  if (!script || window.__essAssistantWidget) { return; }
  window.__essAssistantWidget = true;
  var data = script.dataset || {};
  var base = script.src.replace(/\/widget\.js(?:[?#].*)?$/, "");
  var partnerId = (data.partenaire || "").trim();
  var mode = data.mode === "integre" ? "integre" : "flottant";
  var rasaUrl = (data.serveurRasa || DEFAULTS.rasaUrl || "").replace(/\/+$/, "");
  var socketPath = DEFAULTS.socketPath || "/socket.io";

  var config = {
    partenaire: null,
    accueil: DEFAULTS.accueil,
    metadata: {},
    couleur: null
  };
  var configFailed = false;

  // ---------------------------------------------------------------- storage ---------------------

  var memory = {};
  var store = (function () {
    try {
      var s = window.sessionStorage;
      s.setItem("ess-assistant:test", "1");
      s.removeItem("ess-assistant:test");
      return s;
    } catch (e) {
      return {
        getItem: function (k) { return Object.prototype.hasOwnProperty.call(memory, k) ? memory[k] : null; },
        setItem: function (k, v) { memory[k] = String(v); },
        removeItem: function (k) { delete memory[k]; }
      };
    }
  })();
  var prefix = "ess-assistant:" + (partnerId || "defaut") + ":";

  function load(key, fallback) {
    try {
      var v = store.getItem(prefix + key);
      return v === null ? fallback : JSON.parse(v);
    } catch (e) {
      return fallback;
    }
  }

  function save(key, value) {
    try { store.setItem(prefix + key, JSON.stringify(value)); } catch (e) { /* quota: keep in memory */ }
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID().replace(/-/g, ""); }
    var a = new Uint8Array(16);
    (window.crypto || {}).getRandomValues ? window.crypto.getRandomValues(a) : a.forEach(function (_, i) {
      a[i] = Math.floor(Math.random() * 256);
    });
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var sessionId = load("session", null);
  var transcript = load("transcript", []);
  var outbox = load("outbox", []);
  if (!sessionId) { sessionId = newId(); save("session", sessionId); }
  if (!Array.isArray(transcript)) { transcript = []; }
  if (!Array.isArray(outbox)) { outbox = []; }

  // ---------------------------------------------------------------- DOM helpers -----------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) { return; }
        if (k === "text") { node.textContent = v; } else if (k === "className") { node.className = v; } else {
          node.setAttribute(k, v === true ? "" : String(v));
        }
      });
    }
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); }
    });
    return node;
  }

  function svg(path) {
    var ns = "http://www.w3.org/2000/svg";
    var s = document.createElementNS(ns, "svg");
    s.setAttribute("viewBox", "0 0 24 24");
    s.setAttribute("width", "24");
    s.setAttribute("height", "24");
    s.setAttribute("aria-hidden", "true");
    s.setAttribute("focusable", "false");
    var p = document.createElementNS(ns, "path");
    p.setAttribute("d", path);
    p.setAttribute("fill", "currentColor");
    s.appendChild(p);
    return s;
  }

  var ICON_CHAT = "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm2 5v2h12V8H6zm0 4v2h8v-2H6z";
  var ICON_CLOSE = "M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z";

  /** A safe link for a URL or e-mail address found in text, or null. */
  function linkFor(raw) {
    var href = raw;
    if (/^www\./i.test(raw)) { href = "https://" + raw; }
    if (raw.indexOf("@") > 0 && !/^https?:/i.test(raw)) { href = "mailto:" + raw; }
    var url;
    try { url = new URL(href); } catch (e) { return null; }
    if (["http:", "https:", "mailto:"].indexOf(url.protocol) < 0) { return null; }
    var a = el("a", { href: url.href, rel: "noopener noreferrer" });
    a.textContent = raw;
    if (url.protocol !== "mailto:") {
      a.target = "_blank";
      a.appendChild(el("span", { className: "ess-sr", text: TXT.newWindow }));
    }
    return a;
  }

  /** Text with its URLs as links: text nodes and <a> elements only. */
  function richText(parent, text) {
    var last = 0;
    var m;
    RE_LINK.lastIndex = 0;
    while ((m = RE_LINK.exec(text)) !== null) {
      var raw = m[0];
      // Trailing punctuation belongs to the sentence, not to the URL.
      var trail = /[.,;:!?)\]»]+$/.exec(raw);
      if (trail && !(trail[0].charAt(0) === ")" && raw.indexOf("(") >= 0)) { raw = raw.slice(0, raw.length - trail[0].length); }
      var a = raw ? linkFor(raw) : null;
      if (!a) { continue; }
      if (m.index > last) { parent.appendChild(document.createTextNode(text.slice(last, m.index))); }
      parent.appendChild(a);
      last = m.index + raw.length;
      RE_LINK.lastIndex = last;
    }
    if (last < text.length) { parent.appendChild(document.createTextNode(text.slice(last))); }
    return parent;
  }

  // ---------------------------------------------------------------- widget DOM ------------------

  var host = el("div", { id: "ess-assistant", "data-etat": "inactif", "data-mode": mode });
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;

  function applyStyles() {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS_TEXT);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.appendChild(el("style", { text: CSS_TEXT }));
    }
  }

  var uid = "ess-" + Math.random().toString(36).slice(2, 8);
  var launcher = el("button", {
    type: "button", className: "ess-launcher", "aria-expanded": "false", "aria-controls": uid + "-panel"
  }, [svg(ICON_CHAT), el("span", { className: "ess-launcher-text", text: TXT.launcher })]);

  var titleEl = el("h2", { id: uid + "-title", className: "ess-title", text: TXT.title });
  var subtitleEl = el("p", { className: "ess-subtitle", text: TXT.subtitle });
  var restartBtn = el("button", { type: "button", className: "ess-restart", "aria-label": TXT.restartLabel },
    [TXT.restart]);
  var closeBtn = el("button", { type: "button", className: "ess-close", "aria-label": TXT.close, title: TXT.close },
    [svg(ICON_CLOSE)]);
  var logEl = el("div", {
    className: "ess-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": TXT.log, tabindex: "0"
  });
  var typingEl = el("div", { className: "ess-typing", hidden: true }, [
    el("span", { className: "ess-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
    el("span", { text: TXT.typing })
  ]);
  var typingStatus = el("p", { className: "ess-sr", role: "status" });
  var noticeEl = el("p", { className: "ess-notice", role: "status", hidden: true });
  var input = el("input", {
    id: uid + "-input", type: "text", className: "ess-input", autocomplete: "off", enterkeyhint: "send",
    "aria-describedby": uid + "-hint " + uid + "-error"
  });
  var hintEl = el("p", { id: uid + "-hint", className: "ess-hint", text: TXT.hint });
  var errorEl = el("p", { id: uid + "-error", className: "ess-error", role: "alert" });
  var sendBtn = el("button", { type: "submit", className: "ess-send" }, [TXT.send]);
  var privacyLink = el("a", { href: base + "/confidentialite", target: "_blank", rel: "noopener noreferrer" },
    [TXT.privacy, el("span", { className: "ess-sr", text: TXT.newWindow })]);
  var form = el("form", { className: "ess-form", novalidate: true }, [
    el("label", { "for": uid + "-input", className: "ess-label", text: TXT.label }),
    el("div", { className: "ess-row" }, [input, sendBtn]),
    hintEl, errorEl, el("p", { className: "ess-privacy" }, [privacyLink])
  ]);
  var header = el("div", { className: "ess-header" }, [
    el("div", { className: "ess-heading" }, [titleEl, subtitleEl]), restartBtn,
    mode === "flottant" ? closeBtn : null
  ]);
  var panel = el("section", {
    id: uid + "-panel", className: "ess-panel", "aria-labelledby": uid + "-title",
    role: mode === "flottant" ? "dialog" : "region", "aria-modal": mode === "flottant" ? "false" : null,
    hidden: mode === "flottant"
  }, [header, logEl, typingEl, typingStatus, noticeEl, form]);
  var container = el("div", { className: "ess-root ess-" + mode, lang: "fr", dir: "ltr" },
    [mode === "flottant" ? launcher : null, panel]);

  // ---------------------------------------------------------------- rendering -------------------

  function setState(state) { host.setAttribute("data-etat", state); }

  function notice(text, kind) {
    noticeEl.textContent = text || "";
    noticeEl.hidden = !text;
    noticeEl.className = "ess-notice" + (kind ? " ess-notice-" + kind : "");
  }

  var noticeTimer = null;
  function flashNotice(text) {
    notice(text, "ok");
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () { if (noticeEl.textContent === text) { notice(""); } }, 4000);
  }

  function scrollDown() {
    logEl.scrollTop = logEl.scrollHeight;
  }

  function contactLine(d) {
    var p = el("p", { className: "ess-card-contact" });
    var c = d.contact;
    if (!c || typeof c !== "object" || !c.nom) {
      // Older payloads: the first current contact of the scheme itself.
      c = (d.contacts || []).filter(function (x) { return x && !x.ancien && x.nom; })[0] || null;
    }
    if (!c) {
      p.appendChild(document.createTextNode(typeof d.contact_texte === "string" ? d.contact_texte : TXT.noContact));
      return p;
    }
    var via = d.ou_demander && typeof d.ou_demander.nom === "string" ? d.ou_demander.nom : null;
    p.appendChild(el("strong", { text: via ? TXT.askAt : TXT.contact }));
    p.appendChild(document.createTextNode(via ? via + " (" + c.nom : c.nom));
    ["site", "email", "telephone", "adresse"].forEach(function (k) {
      if (c[k]) { p.appendChild(document.createTextNode(" – ")); richText(p, String(c[k])); }
    });
    if (via) { p.appendChild(document.createTextNode(")")); }
    var day = typeof c.verifie_departement === "string" ? c.verifie_departement.split("-") : [];
    if (day.length === 3) {
      p.appendChild(el("span", { className: "ess-checked", text: " (" + TXT.checked + day[2] + "/" + day[1] + "/" + day[0] + ")" }));
    }
    return p;
  }

  function card(d, number) {
    var li = el("li", { className: "ess-card" + (d.guichet ? " ess-card-desk" : "") });
    li.appendChild(el("h3", { className: "ess-card-title" }, [number ? (number + ". ") : null, d.nom || ""]));
    if (d.guichet) { li.appendChild(el("p", { className: "ess-badge", text: TXT.desk })); }
    if (d.pourquoi && !d.guichet) {
      li.appendChild(richText(el("p", { className: "ess-card-why" }, [el("strong", { text: TXT.why })]), d.pourquoi));
    }
    (d.avertissements || []).slice(0, 1).forEach(function (w) {
      li.appendChild(richText(el("p", { className: "ess-card-warning" }, [el("strong", { text: TXT.warning })]), w));
    });
    li.appendChild(contactLine(d));
    return li;
  }

  function paragraph(body, text) {
    if (typeof text === "string" && text.trim()) { body.appendChild(richText(el("p", { className: "ess-text" }), text)); }
  }

  /**
   * A bot message. An orientation is drawn from its structured payload (introduction, notes, one card
   * per scheme, what would make it precise, what to ask next): the widget never reads the French text
   * back. A message without a payload is its text.
   */
  function botBody(entry) {
    var body = el("div", { className: "ess-body" });
    var custom = entry.custom || {};
    var o = custom.orientation && typeof custom.orientation === "object" ? custom.orientation
      : (Array.isArray(custom.dispositifs) ? { dispositifs: custom.dispositifs, intro: custom.intro } : null);
    var schemes = o && Array.isArray(o.dispositifs)
      ? o.dispositifs.filter(function (d) { return d && typeof d.nom === "string"; }) : [];
    if (!schemes.length) {
      paragraph(body, typeof entry.texte === "string" ? entry.texte : "");
      return body;
    }
    paragraph(body, o.intro);
    (Array.isArray(o.notes) ? o.notes : []).forEach(function (n) { paragraph(body, n); });
    var list = el("ul", { className: "ess-cards" });
    var first = typeof o.premier === "number" ? o.premier : 1;
    schemes.forEach(function (d, i) { list.appendChild(card(d, String(first + i))); });
    body.appendChild(list);
    paragraph(body, o.precision);
    paragraph(body, o.suite);
    return body;
  }

  function quickReplies(entry) {
    var group = el("div", { className: "ess-buttons", role: "group", "aria-label": "Réponses proposées" });
    entry.boutons.forEach(function (b) {
      var btn = el("button", { type: "button", className: "ess-quick" }, [String(b.title)]);
      btn.addEventListener("click", function () {
        send(String(b.payload), String(b.title));
        input.focus();
      });
      group.appendChild(btn);
    });
    return group;
  }

  function entryNode(entry, isLast) {
    var who = entry.qui === "user" ? "user" : "bot";
    var wrap = el("div", { className: "ess-msg ess-" + who });
    wrap.appendChild(el("span", { className: "ess-sr", text: who === "user" ? TXT.you : TXT.bot }));
    if (who === "user") {
      wrap.appendChild(el("p", { className: "ess-text", text: entry.texte }));
      if (entry.attente) { wrap.appendChild(el("p", { className: "ess-pending", text: TXT.pending })); }
    } else {
      wrap.appendChild(botBody(entry));
      if (isLast && Array.isArray(entry.boutons) && entry.boutons.length) { wrap.appendChild(quickReplies(entry)); }
    }
    wrap.dataset.id = entry.id || "";
    return wrap;
  }

  function renderAll() {
    logEl.setAttribute("aria-live", "off"); // the restored history is not read out again
    logEl.textContent = "";
    // the buttons of the bot's messages since the person's last message stay usable (next steps and rating)
    var lastUser = -1;
    transcript.forEach(function (entry, i) { if (entry.qui === "user") { lastUser = i; } });
    transcript.forEach(function (entry, i) { logEl.appendChild(entryNode(entry, i > lastUser)); });
    scrollDown();
    setTimeout(function () { logEl.setAttribute("aria-live", "polite"); }, 300);
  }

  function addEntry(entry) {
    transcript.push(entry);
    if (transcript.length > 200) { transcript = transcript.slice(-200); }
    save("transcript", transcript);
    if (entry.qui === "user") { // answered: the buttons offered before are gone
      var old = logEl.querySelectorAll(".ess-buttons");
      for (var i = 0; i < old.length; i++) { old[i].parentNode.removeChild(old[i]); }
    }
    logEl.appendChild(entryNode(entry, true));
    scrollDown();
  }

  function markSent(id) {
    var changed = false;
    transcript.forEach(function (e) { if (e.id === id && e.attente) { delete e.attente; changed = true; } });
    if (changed) {
      save("transcript", transcript);
      var node = logEl.querySelector(".ess-msg[data-id='" + id + "'] .ess-pending");
      if (node) { node.parentNode.removeChild(node); }
    }
  }

  var typingTimer = null;
  function typing(on) {
    typingEl.hidden = !on;
    typingStatus.textContent = on ? TXT.typing : "";
    clearTimeout(typingTimer);
    if (on) {
      typingTimer = setTimeout(function () { typing(false); notice(TXT.slow); }, REPLY_TIMEOUT);
    }
  }

  // ---------------------------------------------------------------- connection ------------------

  var socket = null;
  var confirmed = false;
  var everConnected = false;
  var wasLost = false;

  function metadata() {
    var m = { canal: "widget" };
    Object.keys(config.metadata || {}).forEach(function (k) { m[k] = config.metadata[k]; });
    if (partnerId && !m.partenaire) { m.partenaire = partnerId; }
    return m;
  }

  function flush() {
    if (!socket || !confirmed) { return; }
    outbox.forEach(function (item) {
      if (item.enCours) { return; }
      item.enCours = true;
      typing(true);
      socket.timeout(ACK_TIMEOUT).emit("user_uttered", {
        message: item.message, session_id: sessionId, id: item.id, metadata: metadata()
      }, function (err, ack) {
        item.enCours = false;
        if (err || !ack || !ack.recu) { // kept: sent again now if still connected, else on reconnection
          if (confirmed) { setTimeout(flush, 2000); }
          return;
        }
        outbox = outbox.filter(function (o) { return o.id !== item.id; });
        save("outbox", outbox.map(stripFlags));
        markSent(item.id);
      });
    });
  }

  function stripFlags(o) { return { id: o.id, message: o.message, texte: o.texte }; }

  function connect() {
    if (socket || !io || !rasaUrl) { return; }
    setState("connexion");
    socket = io(rasaUrl, {
      path: socketPath, transports: ["polling", "websocket"], reconnectionDelay: 1000,
      reconnectionDelayMax: 5000, timeout: 10000
    });
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: sessionId });
    });
    socket.on("session_confirm", function (id) {
      if (typeof id === "string" && id && id !== sessionId) { sessionId = id; save("session", id); }
      confirmed = true;
      everConnected = true;
      setState("connecte");
      input.disabled = false;
      sendBtn.disabled = false;
      if (wasLost) { flashNotice(TXT.back); } else { notice(""); }
      wasLost = false;
      outbox.forEach(function (o) { o.enCours = false; });
      flush();
    });
    socket.on("bot_uttered", function (msg) {
      if (!msg || typeof msg !== "object") { return; }
      typing(false);
      if (noticeEl.textContent === TXT.slow) { notice(""); }
      var boutons = (msg.buttons || msg.quick_replies || []).filter(function (b) {
        return b && typeof b.title === "string" && typeof b.payload === "string";
      }).map(function (b) { return { title: b.title, payload: b.payload }; });
      var entry = { qui: "bot", texte: typeof msg.text === "string" ? msg.text : "" };
      if (boutons.length) { entry.boutons = boutons; }
      if (msg.custom && typeof msg.custom === "object") { entry.custom = msg.custom; }
      if (entry.texte || entry.boutons || entry.custom) { addEntry(entry); }
    });
    socket.on("disconnect", function (reason) {
      confirmed = false;
      if (reason === "io client disconnect") { return; }
      wasLost = true;
      setState("deconnecte");
      typing(false);
      notice(TXT.lost, "error");
    });
    socket.on("connect_error", function () {
      confirmed = false;
      if (!everConnected && configFailed) {
        // The configuration was refused (CORS) and socket.io refuses this origin too.
        setState("refuse");
        if (transcript.every(function (e) { return e.local; })) { // no greeting from an unavailable assistant
          transcript = [];
          save("transcript", transcript);
          renderAll();
        }
        notice(TXT.refused, "error");
        input.disabled = true;
        sendBtn.disabled = true;
        socket.disconnect();
        return;
      }
      setState("deconnecte");
      notice(everConnected ? TXT.lost : TXT.unreachable, "error");
    });
  }

  // ---------------------------------------------------------------- sending ---------------------

  function send(message, shown) {
    var item = { id: newId(), message: message, texte: shown || message };
    addEntry({ qui: "user", texte: item.texte, id: item.id, attente: true });
    outbox.push(item);
    save("outbox", outbox.map(stripFlags));
    if (confirmed) {
      flush();
    } else {
      notice(TXT.queued, "error");
      connect();
    }
  }

  function showError(text) {
    errorEl.textContent = text || "";
    if (text) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.replace(/^\s+|\s+$/g, "");
    if (!text) { showError(TXT.empty); input.focus(); return; }
    if (text.length > MAX_CHARS) { showError(TXT.tooLong(text.length)); input.focus(); return; }
    showError("");
    input.value = "";
    hintEl.textContent = TXT.hint;
    send(text);
    input.focus();
  });

  input.addEventListener("input", function () {
    var n = input.value.length;
    if (errorEl.textContent && n <= MAX_CHARS) { showError(""); }
    hintEl.textContent = n > MAX_CHARS - 200 ? TXT.counter(n) : TXT.hint;
    hintEl.classList.toggle("ess-over", n > MAX_CHARS);
  });

  // ---------------------------------------------------------------- open / close ----------------

  function greet() {
    if (!transcript.length && config.accueil) {
      addEntry({ qui: "bot", texte: config.accueil, local: true });
    }
  }

  function open(focus) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    container.classList.add("ess-open");
    save("ouvert", true);
    greet();
    connect();
    scrollDown();
    if (focus !== false) { input.focus(); }
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    container.classList.remove("ess-open");
    save("ouvert", false);
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) { open(); } else { close(); }
  });
  closeBtn.addEventListener("click", close);
  container.addEventListener("keydown", function (e) {
    if ((e.key === "Escape" || e.key === "Esc") && mode === "flottant" && !panel.hidden) {
      e.preventDefault();
      close();
    }
  });

  restartBtn.addEventListener("click", function () {
    sessionId = newId();
    transcript = [];
    outbox = [];
    save("session", sessionId);
    save("transcript", transcript);
    save("outbox", outbox);
    typing(false);
    showError("");
    logEl.textContent = "";
    greet();
    if (socket && confirmed) { socket.emit("session_request", { session_id: sessionId }); }
    input.focus();
  });

  // ---------------------------------------------------------------- start -----------------------

  function applyConfig(cfg) {
    if (!cfg || typeof cfg !== "object") { return; }
    if (cfg.rasaUrl && !data.serveurRasa) { rasaUrl = String(cfg.rasaUrl).replace(/\/+$/, ""); }
    if (cfg.socketPath) { socketPath = String(cfg.socketPath); }
    var p = cfg.partenaire;
    if (p && typeof p === "object") {
      config.partenaire = p;
      if (p.accueil) { config.accueil = String(p.accueil); }
      if (p.nom) { subtitleEl.textContent = String(p.nom); }
      if (/^#[0-9a-f]{6}$/i.test(p.couleur || "")) { host.style.setProperty("--ess-couleur", p.couleur); }
    }
    if (cfg.metadata && typeof cfg.metadata === "object") { config.metadata = cfg.metadata; }
  }

  function start() {
    applyStyles();
    root.appendChild(container);
    (mode === "integre" && script.parentNode && script.parentNode !== document.head ? script.parentNode : document.body)
      .appendChild(host);
    renderAll();
    var url = base + "/widget/config.json" + (partnerId ? "?partenaire=" + encodeURIComponent(partnerId) : "");
    fetch(url, { credentials: "omit", mode: "cors" }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(applyConfig, function () { configFailed = true; }).then(function () {
      var wasOpen = load("ouvert", false);
      if (mode === "integre" || data.ouvert === "true") { open(false); } else if (wasOpen) { open(false); }
      if (outbox.length) { connect(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})(io, /*@ESS_CSS@*/null, /*@ESS_DEFAULTS@*/null);
