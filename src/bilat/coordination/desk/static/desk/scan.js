// Scanning a badge with the device's camera, where the browser can read QR codes
// (BarcodeDetector: Chromium on Android, and others). Elsewhere the button stays hidden and a
// hand-held scanner, which types the code and Enter into the field, does the same.
(function () {
  "use strict";
  var button = document.getElementById("scan");
  var video = document.getElementById("camera");
  var field = document.getElementById("id_code");
  var form = document.getElementById("code-form");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        return video.play().then(function () {
          var look = function () {
            detector.detect(video).then(function (codes) {
              if (codes.length) {
                stream.getTracks().forEach(function (track) { track.stop(); });
                field.value = codes[0].rawValue;
                form.submit();
              } else {
                window.requestAnimationFrame(look);
              }
            });
          };
          look();
        });
      })
      .catch(function () {
        button.hidden = true;
      });
  });
})();
