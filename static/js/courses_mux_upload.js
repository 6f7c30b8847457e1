/* Direct upload to Mux from the video edit page: ask our admin for an upload URL,
   then PUT the file straight to Mux with progress. */
(function () {
  "use strict";
  var root = document.querySelector("[data-mux-uploader]");
  if (!root) return;
  var text = window.muxUploaderText || {};
  var input = root.querySelector("input[type=file]");
  var button = root.querySelector("[data-mux-upload-start]");
  var bar = root.querySelector("progress");
  var status = root.querySelector("[data-mux-upload-status]");

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function say(message) {
    status.textContent = message;
  }

  button.addEventListener("click", function () {
    var file = input.files && input.files[0];
    if (!file) {
      say(text.choose);
      return;
    }
    button.disabled = true;
    say(text.starting);
    fetch(root.dataset.uploadEndpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.detail || response.status);
          return body;
        });
      })
      .then(function (body) {
        return new Promise(function (resolve, reject) {
          var xhr = new XMLHttpRequest();
          xhr.open("PUT", body.url);
          xhr.upload.addEventListener("progress", function (event) {
            if (!event.lengthComputable) return;
            var percent = Math.round((event.loaded / event.total) * 100);
            bar.hidden = false;
            bar.value = percent;
            say(text.uploading + " " + percent + "%");
          });
          xhr.onload = function () {
            if (xhr.status >= 200 && xhr.status < 300) resolve();
            else reject(new Error("HTTP " + xhr.status));
          };
          xhr.onerror = function () {
            reject(new Error("network"));
          };
          xhr.send(file);
        });
      })
      .then(function () {
        bar.value = 100;
        say(text.done);
      })
      .catch(function (error) {
        say(text.failed + " " + error.message);
      })
      .finally(function () {
        button.disabled = false;
      });
  });
})();
