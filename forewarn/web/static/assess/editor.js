// The assessment editor: the register picker's list is offered only for register records, and
// each kind gets a matching placeholder. The form works the same without this script.
(function () {
  "use strict";
  var hints = {
    register: "source:11 (pick from the list)",
    url: "https://…",
    citation: "S/2024/826, para. 12",
    "": "source:11, https://… or S/2024/826 para. 12"
  };
  function sync(select) {
    var value = select.parentNode.querySelector(".ev-value");
    if (!value) { return; }
    if (select.value === "url" || select.value === "citation") {
      value.removeAttribute("list");
    } else {
      value.setAttribute("list", "register-records");
    }
    value.setAttribute("placeholder", hints[select.value] || hints[""]);
  }
  document.querySelectorAll("select.ev-kind").forEach(function (select) {
    sync(select);
    select.addEventListener("change", function () { sync(select); });
  });
}());
