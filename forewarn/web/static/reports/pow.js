// Proof of work for the report form (progressive enhancement): find a counter such that
// sha256("<token>:<counter>") starts with `bits` zero bits, fill it in, and hide the
// arithmetic question that the form asks when JavaScript is not available. offline.js uses
// the same solver (window.ForewarnPow) for reports sent later from the browser's queue.
(function () {
  "use strict";
  if (!window.crypto || !window.crypto.subtle || !window.TextEncoder) { return; }
  var encoder = new TextEncoder();

  function zeroBits(bytes) {
    var n = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { n += 8; continue; }
      return n + Math.clz32(bytes[i]) - 24;
    }
    return n;
  }

  async function solve(token, bits) {
    for (var c = 0; ; c++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(token + ":" + c));
      if (zeroBits(new Uint8Array(digest)) >= bits) { return c; }
    }
  }
  window.ForewarnPow = {solve: solve};

  var token = document.getElementById("challenge_token");
  var counter = document.getElementById("pow_counter");
  var question = document.getElementById("challenge-question");
  var status = document.getElementById("challenge-status");
  if (!token || !counter) { return; }
  status.hidden = false;
  status.textContent = status.getAttribute("data-working");
  solve(token.value, parseInt(token.getAttribute("data-bits"), 10) || 0).then(function (c) {
    counter.value = String(c);
    question.hidden = true;
    status.textContent = status.getAttribute("data-done");
  });
})();
