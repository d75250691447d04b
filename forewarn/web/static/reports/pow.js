// Proof of work for the report form (progressive enhancement): find a counter such that
// sha256("<token>:<counter>") starts with `bits` zero bits, fill it in, and hide the
// arithmetic question that the form asks when JavaScript is not available.
(function () {
  "use strict";
  var token = document.getElementById("challenge_token");
  var counter = document.getElementById("pow_counter");
  var question = document.getElementById("challenge-question");
  var status = document.getElementById("challenge-status");
  if (!token || !counter || !window.crypto || !window.crypto.subtle || !window.TextEncoder) {
    return;
  }
  var bits = parseInt(token.getAttribute("data-bits"), 10) || 0;
  var encoder = new TextEncoder();

  function zeroBits(bytes) {
    var n = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { n += 8; continue; }
      return n + Math.clz32(bytes[i]) - 24;
    }
    return n;
  }

  async function solve() {
    status.hidden = false;
    status.textContent = status.getAttribute("data-working");
    for (var c = 0; ; c++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(token.value + ":" + c));
      if (zeroBits(new Uint8Array(digest)) >= bits) { return c; }
    }
  }

  solve().then(function (c) {
    counter.value = String(c);
    question.hidden = true;
    status.textContent = status.getAttribute("data-done");
  });
})();
