// Minimal chat over the REST channel. Everything is rendered with textContent: no HTML from users or the bot.
(function () {
  "use strict";
  var MAX = 1000;
  var messages = document.getElementById("messages");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var statusEl = document.getElementById("status");
  var sender = sessionStorage.getItem("ess-sender");
  if (!sender) {
    sender = "web-" + Math.random().toString(36).slice(2) + Date.now().toString(36);
    sessionStorage.setItem("ess-sender", sender);
  }
  var rasaUrl = null;

  function add(text, who) {
    var div = document.createElement("div");
    div.className = "msg " + who;
    div.textContent = text;
    messages.appendChild(div);
    messages.scrollTop = messages.scrollHeight;
  }

  function addButtons(buttons) {
    var box = document.createElement("div");
    box.className = "buttons";
    buttons.forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.title;
      btn.addEventListener("click", function () { send(b.payload, b.title); });
      box.appendChild(btn);
    });
    messages.appendChild(box);
  }

  function send(text, shown) {
    add(shown || text, "user");
    statusEl.textContent = "L'assistant écrit…";
    fetch(rasaUrl + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: text, metadata: { canal: "page" } })
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (replies) {
      statusEl.textContent = "";
      replies.forEach(function (m) {
        if (m.text) { add(m.text, "bot"); }
        if (m.buttons && m.buttons.length) { addButtons(m.buttons); }
      });
    }).catch(function () {
      statusEl.textContent = "La connexion avec l'assistant a échoué. Réessayez dans un instant.";
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { statusEl.textContent = "Écrivez un message avant d'envoyer."; return; }
    if (text.length > MAX) { statusEl.textContent = "Votre message est trop long (1000 caractères au plus)."; return; }
    input.value = "";
    send(text);
  });

  fetch("/config.json").then(function (r) { return r.json(); }).then(function (cfg) {
    rasaUrl = cfg.rasaUrl;
  });
})();
