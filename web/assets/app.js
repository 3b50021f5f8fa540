/* app.js — live checks on the abstract form and code look-ups.  Optional: every page works without
 * it.  As the registrar changes a value, the form is sent to .../check (with its CSRF token); the
 * answer says which values are not valid and which edits fail, and the messages are put beside the
 * items they name (elements with data-edit-id), replacing the previous ones. */
"use strict";
(function () {
  const form = document.getElementById("abstract");
  if (!form) return;
  const checkUrl = form.getAttribute("action") + "/check";
  let timer = null, seq = 0;

  function esc(s) { const d = document.createElement("span"); d.textContent = s; return d; }

  async function check() {
    const mine = ++seq;
    const body = new URLSearchParams(new FormData(form));
    let res;
    try {
      res = await fetch(checkUrl, { method: "POST", body: body, credentials: "same-origin",
                                    headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    } catch (e) { return; }
    if (!res.ok || mine !== seq) return;
    const data = await res.json();
    for (const p of data.problems) {
      const box = form.querySelector('[data-item="' + CSS.escape(p.item) + '"]');
      if (!box) continue;
      const c = box.querySelector(".check");
      if (c) c.textContent = p.problem;
      box.classList.toggle("bad", p.problem !== "");
      let m = box.querySelector(".meaning");
      const input = box.querySelector("input");
      if (input && input.hasAttribute("data-codes")) {
        if (!m) { m = document.createElement("span"); m.className = "meaning"; input.after(m); }
        m.textContent = p.meaning;
      }
    }
    form.querySelectorAll("p.edit[data-edit-id]").forEach(e => e.remove());
    const list = document.querySelector("#edit-list ul");
    if (list) list.textContent = "";
    const h = document.querySelector("#edit-list h2");
    if (h) h.textContent = "Edits that fail (" + data.edits.length + ")";
    for (const e of data.edits) {
      if (list) {
        const li = document.createElement("li");
        li.setAttribute("data-edit-id", e.id);
        const a = document.createElement("a");
        a.href = "#f-" + (e.items[0] || "");
        a.textContent = e.id;
        li.append(a, esc(": " + e.message));
        list.append(li);
      }
      for (const item of e.items) {
        const box = form.querySelector('[data-item="' + CSS.escape(item) + '"]');
        if (!box) continue;
        const p = document.createElement("p");
        p.className = "edit";
        p.setAttribute("data-edit-id", e.id);
        p.setAttribute("role", "alert");
        p.textContent = e.id + ": " + e.message;
        box.append(p);
      }
    }
  }

  function later() { clearTimeout(timer); timer = setTimeout(check, 250); }
  form.addEventListener("change", later);
  form.addEventListener("input", later);

  /* code look-up for items with long code lists: type words ("infiltrating duct") or a code */
  form.querySelectorAll("input[data-codes]").forEach(input => {
    const list = document.createElement("ul");
    list.className = "suggest";
    list.hidden = true;
    list.setAttribute("role", "listbox");
    input.after(list);
    let t = null;
    input.addEventListener("input", () => {
      clearTimeout(t);
      t = setTimeout(async () => {
        const q = input.value.trim();
        if (q.length < 2) { list.hidden = true; return; }
        const res = await fetch("/codes?item=" + encodeURIComponent(input.name) + "&q=" + encodeURIComponent(q),
                                { credentials: "same-origin" });
        if (!res.ok) return;
        const codes = await res.json();
        list.textContent = "";
        for (const c of codes) {
          const li = document.createElement("li");
          li.setAttribute("role", "option");
          li.textContent = c.code + " — " + c.label;
          li.addEventListener("mousedown", ev => { ev.preventDefault(); input.value = c.code; list.hidden = true; later(); });
          list.append(li);
        }
        list.hidden = codes.length === 0 || (codes.length === 1 && codes[0].code === q);
      }, 200);
    });
    input.addEventListener("blur", () => { list.hidden = true; });
  });
})();
