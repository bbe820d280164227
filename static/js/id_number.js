// 身份证号 (GB 11643) as it is typed: once the number is complete and valid, the birth date and
// gender of the same row (a member's table row, the head's fieldset, or the form) are filled in,
// before saving. They stay editable; the server checks the same rules (records/id_numbers.py).
(function () {
  "use strict";

  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";

  function normalize(text) {
    return text
      .replace(/[\uFF10-\uFF19]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/[\uFF38\uFF58]/g, "X")
      .replace(/\s+/g, "")
      .replace(/x$/, "X");
  }

  function checkCharacter(first17) {
    var total = 0;
    for (var i = 0; i < 17; i++) total += Number(first17[i]) * WEIGHTS[i];
    return CHECK[total % 11];
  }

  // The 18-character number, a legacy 15-digit one upgraded; null unless it is valid.
  function parse(raw) {
    var text = normalize(raw);
    if (/^\d{15}$/.test(text)) {
      text = text.slice(0, 6) + "19" + text.slice(6);
      text += checkCharacter(text);
    }
    if (!/^\d{17}[\dX]$/.test(text) || checkCharacter(text.slice(0, 17)) !== text[17]) return null;
    var born = text.slice(6, 10) + "-" + text.slice(10, 12) + "-" + text.slice(12, 14);
    var date = new Date(born + "T00:00:00Z");
    if (isNaN(date) || date.toISOString().slice(0, 10) !== born || date > new Date()) return null;
    return { birthDate: born, gender: Number(text[16]) % 2 ? "M" : "F" };
  }

  function fill(input) {
    var parsed = parse(input.value);
    if (!parsed) return;
    var row = input.closest("tr") || input.closest("fieldset") || input.form;
    var birth = row.querySelector('input[name="birth_date"], input[name$="-birth_date"]');
    if (birth) birth.value = parsed.birthDate;
    row.querySelectorAll('[name="gender"], [name$="-gender"]').forEach(function (gender) {
      if (gender.type === "radio") gender.checked = gender.value === parsed.gender;
      else gender.value = parsed.gender;
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.hasAttribute("data-id-number")) fill(event.target);
  });
})();
