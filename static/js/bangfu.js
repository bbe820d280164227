// Small progressive enhancements; every page also works without JavaScript.
(function () {
  "use strict";

  // Ask before destructive actions: <form data-confirm="确定删除……?">
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // <button data-confirm="…">: the same question for one button of a form.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
  });

  // <button data-print> prints the page (no inline script: the Content-Security-Policy forbids it).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  // <select data-autosubmit> submits its form on change (unit switchers, filters).
  document.addEventListener("change", function (event) {
    if (event.target.hasAttribute("data-autosubmit")) event.target.form.submit();
  });

  // <input type=checkbox data-hides="id1 id2"> hides those fields while it is checked.
  function applyHides(box) {
    box.getAttribute("data-hides").split(/\s+/).forEach(function (id) {
      var input = document.getElementById(id);
      var field = input && input.closest(".field");
      if (field) field.hidden = box.checked;
    });
  }
  document.querySelectorAll("input[data-hides]").forEach(function (box) {
    applyHides(box);
    box.addEventListener("change", function () { applyHides(box); });
  });

  // <input type=checkbox data-select-all="pks"> checks every box named "pks" of its form.
  document.addEventListener("change", function (event) {
    var name = event.target.getAttribute("data-select-all");
    if (!name) return;
    event.target.form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });

  // Report/return buttons ask for the reminder message in the form's <dialog> first. Without
  // JavaScript the buttons submit straight away (an empty message).
  document.querySelectorAll("button[data-move-dialog]").forEach(function (button) {
    var form = button.form;
    var dialog = form.querySelector("dialog");
    if (!dialog || !dialog.showModal) return;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      if (form.querySelector('input[name="pks"]') && !form.querySelector('input[name="pks"]:checked')) {
        window.alert("请先勾选要" + button.dataset.moveDialog + "的记录。");
        return;
      }
      var confirm = dialog.querySelector("[data-move-confirm]");
      confirm.name = "move";
      confirm.value = button.value;
      dialog.querySelector("[data-move-verb]").textContent = button.dataset.moveDialog;
      var reason = dialog.querySelector("[data-move-reason]");  // 退回原因: asked of returns only
      if (reason) {
        reason.hidden = button.value.indexOf("return") === -1;
        reason.querySelector("select").disabled = reason.hidden;
      }
      dialog.showModal();
      dialog.querySelector("textarea").focus();
    });
  });
  document.querySelectorAll("[data-dialog-close]").forEach(function (button) {
    button.addEventListener("click", function () { button.closest("dialog").close(); });
  });

  // <form data-submit-once>: a second click while the page is saving does nothing.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-submit-once") || event.defaultPrevented) return;
    if (form.dataset.submitting) { event.preventDefault(); return; }
    form.dataset.submitting = "1";
  });

  // Formset tables: <button data-add-row="prefix"> appends a copy of the table's <template>
  // row, numbered with the management form's TOTAL_FORMS.
  document.querySelectorAll("button[data-add-row]").forEach(function (button) {
    button.addEventListener("click", function () {
      var prefix = button.dataset.addRow;
      var table = document.querySelector('table[data-formset="' + prefix + '"]');
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var row = table.querySelector("template").innerHTML.replace(/__prefix__/g, total.value);
      table.querySelector("tbody").insertAdjacentHTML("beforeend", row);
      total.value = parseInt(total.value, 10) + 1;
    });
  });

  // Ordering lists: <ol class="sortable"> of <li> each holding <input type=hidden name=order>.
  // Drag with the mouse, or focus an item and press Alt+↑ / Alt+↓; the form posts the new order.
  function initSortable(list) {
    var dragged = null;
    list.querySelectorAll("li").forEach(function (item) {
      item.setAttribute("draggable", "true");
      item.tabIndex = 0;
      item.addEventListener("dragstart", function () { dragged = item; item.classList.add("dragging"); });
      item.addEventListener("dragend", function () { item.classList.remove("dragging"); dragged = null; });
      item.addEventListener("dragover", function (event) {
        event.preventDefault();
        if (!dragged || dragged === item) return;
        var rect = item.getBoundingClientRect();
        var after = event.clientY > rect.top + rect.height / 2;
        list.insertBefore(dragged, after ? item.nextSibling : item);
      });
      item.addEventListener("keydown", function (event) {
        if (!event.altKey) return;
        if (event.key === "ArrowUp" && item.previousElementSibling) {
          list.insertBefore(item, item.previousElementSibling); item.focus(); event.preventDefault();
        } else if (event.key === "ArrowDown" && item.nextElementSibling) {
          list.insertBefore(item.nextElementSibling, item); item.focus(); event.preventDefault();
        }
      });
    });
    list.querySelectorAll("button[data-move]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var item = button.closest("li");
        if (button.dataset.move === "up" && item.previousElementSibling) list.insertBefore(item, item.previousElementSibling);
        if (button.dataset.move === "down" && item.nextElementSibling) list.insertBefore(item.nextElementSibling, item);
        button.focus();
      });
    });
    var reset = list.closest("form") && list.closest("form").querySelector("button[data-restart]");
    if (reset) {
      var original = Array.prototype.slice.call(list.children);
      reset.addEventListener("click", function (event) {
        event.preventDefault();
        original.forEach(function (item) { list.appendChild(item); });
      });
    }
  }
  document.querySelectorAll("ol.sortable").forEach(initSortable);
})();

// records: Excel import job page. <section id="…" data-poll-ms="2000"> is replaced by the same
// section of a fresh copy of the page every 2 s while the job runs; when the fresh section no
// longer polls (the job ended), the whole page reloads to show the results. Without JavaScript
// a <noscript> meta refresh does the same, less smoothly.
(function () {
  "use strict";
  var section = document.querySelector("section[data-poll-ms][id]");
  if (!section || !window.fetch || !window.DOMParser) return;
  var delay = parseInt(section.getAttribute("data-poll-ms"), 10) || 2000;
  function poll() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(section.id);
        if (!fresh || !fresh.hasAttribute("data-poll-ms")) { window.location.reload(); return; }
        section.replaceWith(fresh);
        section = fresh;
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, delay * 5); });
  }
  window.setTimeout(poll, delay);
})();
