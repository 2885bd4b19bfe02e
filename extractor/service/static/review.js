// The review page's editor: one action per button or key, sent as JSON to
// POST /v1/jobs/{job}/articles/{position}/corrections; the page reloads with the server's state.
// Selections are sent as offsets into the article (code points, as Python counts them) with the
// words selected; the server checks both against the article. No build step, no dependency.
"use strict";

(function () {
  const FOCUS = "extractor-review-focus";
  let lastSelection = null; // {section, span}: the last words selected in an article's text

  function notice(message) {
    document.getElementById("notice").textContent = message;
  }

  function codePoints(text) {
    return Array.from(text).length;
  }

  // The article offset of a DOM boundary (node, offset) inside an article's text box.
  function boundary(box, node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const run = node.parentElement.closest("[data-s]");
      return Number(run.dataset.s) + codePoints(node.data.slice(0, offset));
    }
    const run = node === box ? null : node.closest("[data-s]");
    if (run) {
      return Number(run.dataset.s) + (offset > 0 ? codePoints(run.textContent) : 0);
    }
    if (offset < box.children.length) {
      return Number(box.children[offset].dataset.s);
    }
    const last = box.lastElementChild;
    return last ? Number(last.dataset.s) + codePoints(last.textContent) : 0;
  }

  // The words selected in ``section``'s article text (now, or last before a click moved focus).
  function selection(section) {
    const now = liveSelection(section);
    if (now) {
      return now;
    }
    return lastSelection && lastSelection.section === section ? lastSelection.span : null;
  }

  // The live selection inside ``section``'s article text as {start, end, quote}, or null.
  function liveSelection(section) {
    const box = section.querySelector(".text");
    const chosen = window.getSelection();
    if (!chosen || chosen.rangeCount === 0 || chosen.isCollapsed) {
      return null;
    }
    const range = chosen.getRangeAt(0);
    if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) {
      return null;
    }
    const start = boundary(box, range.startContainer, range.startOffset);
    const end = boundary(box, range.endContainer, range.endOffset);
    return end > start ? { start: start, end: end, quote: range.toString() } : null;
  }

  function value(scope, role) {
    const field = scope.querySelector('[data-role="' + role + '"]');
    return field ? field.value : null;
  }

  function payload(button, section, card) {
    const data = button.dataset;
    const body = { action: data.action };
    const scope = card || section;
    if (card) {
      body.event = Number(card.dataset.event);
    }
    if (data.field) {
      body.field = data.field;
    }
    if (data.index !== undefined) {
      body.index = Number(data.index);
    }
    if (data.action === "reject") {
      body.rule = value(scope, "rule");
    }
    if (data.action === "set-type" || data.action === "add-event") {
      body.event_type = value(scope, "event_type");
    }
    if (data.action === "set-country") {
      body.country = value(scope, "country-" + data.index);
    }
    if (data.action === "add-claim") {
      body.kind = data.kind;
    }
    if (data.part) {
      body.part = data.part;
    }
    if (data.clear) {
      body.span = null;
    }
    if (data.select) {
      const span = selection(section);
      if (!span) {
        notice("Select the words in the article's text first.");
        return null;
      }
      body[data.select] = span;
    }
    return body;
  }

  async function send(button) {
    const section = button.closest("section.article");
    const card = button.closest(".event");
    const body = payload(button, section, card);
    if (!body) {
      return;
    }
    const url = "/v1/jobs/" + encodeURIComponent(section.dataset.job) + "/articles/" +
      section.dataset.position + "/corrections?revision=" + section.dataset.revision;
    const answer = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Extractor-Review": "1" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    if (!answer.ok) {
      let detail = answer.status + " " + answer.statusText;
      try {
        const problem = await answer.json();
        detail = problem.detail || problem.title || detail;
      } catch (ignored) {
        // not JSON: keep the status line
      }
      notice(detail);
      return;
    }
    sessionStorage.setItem(FOCUS, card ? card.id : section.id);
    window.location.reload();
  }

  function current() {
    const active = document.activeElement;
    const card = active && active.closest ? active.closest(".event") : null;
    return card || document.querySelector(".event.current");
  }

  function focusCard(card) {
    document.querySelectorAll(".event.current").forEach(function (c) {
      c.classList.remove("current");
    });
    if (card) {
      card.classList.add("current");
      card.focus({ preventScroll: false });
    }
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    const target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) {
      return;
    }
    const cards = Array.from(document.querySelectorAll(".event"));
    const card = current();
    if (event.key === "j" || event.key === "k") {
      const at = cards.indexOf(card);
      const next = cards[Math.min(cards.length - 1, Math.max(0, at + (event.key === "j" ? 1 : -1)))];
      focusCard(next || cards[0]);
      event.preventDefault();
      return;
    }
    let button = null;
    if (event.key === "n" || event.key === "m") {
      const section = card ? card.closest("section.article") : document.querySelector("section.article");
      const action = event.key === "n" ? "add-event" : "done";
      button = section && section.querySelector('.tools > button[data-action="' + action + '"]');
    } else if (card) {
      button = card.querySelector('button[data-key="' + CSS.escape(event.key) + '"]');
    } else if ("a r 1 2 d p f i e t".split(" ").indexOf(event.key) >= 0) {
      notice("Choose an event first: click it, or press j.");
    }
    if (button) {
      event.preventDefault();
      send(button);
    }
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest ? event.target.closest("button[data-action]") : null;
    if (button) {
      send(button);
      return;
    }
    const card = event.target.closest ? event.target.closest(".event") : null;
    if (card && window.getSelection().isCollapsed) {
      focusCard(card);
    }
  });
  document.addEventListener("keydown", onKey);
  document.addEventListener("selectionchange", function () {
    document.querySelectorAll("section.article").forEach(function (section) {
      const span = liveSelection(section);
      if (span) {
        lastSelection = { section: section, span: span };
      }
    });
  });
  const remembered = sessionStorage.getItem(FOCUS);
  if (remembered) {
    sessionStorage.removeItem(FOCUS);
    const element = document.getElementById(remembered);
    if (element && element.classList.contains("event")) {
      focusCard(element);
    } else if (element) {
      element.scrollIntoView();
    }
  }
})();
