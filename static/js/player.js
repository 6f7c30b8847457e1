/* The lesson page: plays each video (HLS from Mux through native HLS or hls.js,
   or a local file), resumes where the learner stopped, reports heartbeats to the
   progress API (CONTRACTS.md §5), shows video, lesson and course progress, and
   sends the quiz. The videos play whatever the progress API does. When it is
   missing (404) nothing is shown; when reports fail (no connection, a server
   error, too many requests for long) the learner is told that progress is not
   being saved while the player tries again, less and less often; when the
   learner was signed out, they are asked to sign in again. A video that cannot
   be loaded says so, with a button to try again. */
(function () {
  "use strict";

  var root = document.querySelector("[data-lesson-page]");
  if (!root) return;

  var API = "/api/v1/progress";
  // The server says how often to report: every 5 s, every 10 s with data saver on.
  var HEARTBEAT_MS = (parseInt(root.dataset.heartbeatSeconds, 10) || 5) * 1000;
  // After a seek the credited stretch starts again with the first heartbeat of
  // playing on, this long after the seek: a run of seeks (an arrow key pressed
  // again and again) is one seek report each, and one heartbeat when it stops.
  var SEEK_SETTLE_MS = 1000;
  // Reports that fail are tried again after 2, 4, 8… seconds, at most a minute
  // apart; the learner is told once they have failed twice, or are held back
  // (Retry-After) for this long.
  var RETRY_FIRST_MS = 2000;
  var RETRY_MAX_MS = 60000;
  var TELL_AFTER_MS = 10000;
  // A request that did not get through (no connection) reached no server: it
  // is tried again at most this far apart, and at once when the browser says it
  // is online again.
  var RETRY_OFFLINE_MAX_MS = 8000;
  // The server credits at most about 30 s of video between two heartbeats it
  // hears; reports failing, the video waits once it has played this far past
  // the last one heard, so that no watching goes uncounted.
  var HOLD_AFTER_S = 20;
  var dataSaver = root.dataset.dataSaver === "true";
  var text = window.pageText("player-text");
  var lessonId = parseInt(root.dataset.lessonId, 10) || null;
  var courseId = parseInt(root.dataset.courseId, 10) || null;
  var signedIn = root.dataset.authenticated === "true" && lessonId !== null;
  var language = root.dataset.language || document.documentElement.lang;
  var progressAvailable = signedIn;
  var signInUrl = root.dataset.signInUrl || "";
  var signedOut = false;
  var players = [];
  var lessonState = null;
  // Whether the lesson and course were done when last loaded; null before the
  // first load, so that what the page opened with is not read out as news.
  var lessonCompleted = null;
  var courseCompleted = null;

  function format(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : root.dataset.csrfToken || "";
  }

  function newSessionId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map
      .call(bytes, function (b) {
        return (b + 0x100).toString(16).slice(1);
      })
      .join("");
    return (
      hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20)
    );
  }

  /* Calls the progress API; resolves to {status, body, retryAfter}: status 0
     when the request did not get through, -1 when it was not sent (no progress
     API here, or signed out). Never rejects. 401 and 403 (signed out in another
     tab, the session expired) stop all reporting and ask the learner to sign in
     again; 404 (no progress API here) stops it quietly. */
  function request(method, path, body, options) {
    if (!progressAvailable || typeof window.fetch !== "function") {
      return Promise.resolve({ status: -1, body: null, retryAfter: null });
    }
    var init = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      keepalive: Boolean(options && options.keepalive),
    };
    if (method !== "GET") init.headers["X-CSRFToken"] = csrfToken();
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return window
      .fetch(API + path, init)
      .then(function (response) {
        var answer = {
          status: response.status,
          body: null,
          retryAfter: retryAfterMs(response.headers.get("Retry-After")),
        };
        if (response.status === 401 || response.status === 403) {
          progressAvailable = false;
          showSignedOut(options && options.player);
          return answer;
        }
        if (response.status === 404) {
          progressAvailable = false;
          return answer;
        }
        if (!response.ok) return answer;
        return response.json().then(
          function (json) {
            answer.body = json;
            return answer;
          },
          function () {
            return answer;
          }
        );
      })
      .catch(function () {
        return { status: 0, body: null, retryAfter: null };
      });
  }

  /* ``request`` for those who need only the JSON body: null on any failure. */
  function api(method, path, body, options) {
    return request(method, path, body, options).then(function (answer) {
      return answer.status >= 200 && answer.status < 300 ? answer.body : null;
    });
  }

  /* Retry-After in milliseconds (seconds, or an HTTP date); null if absent. */
  function retryAfterMs(value) {
    if (!value) return null;
    if (/^\s*\d+\s*$/.test(value)) return parseInt(value, 10) * 1000;
    var at = Date.parse(value);
    return isNaN(at) ? null : Math.max(0, at - Date.now());
  }

  /* Signed out (in another tab, or the session expired): nothing is counted any
     more; the learner is told, with a way back to this lesson, near the video
     they were watching (or the first one). */
  function showSignedOut(player) {
    if (signedOut) return;
    signedOut = true;
    players.forEach(function (each) {
      each.stopTimer();
      each.hideNotice();
    });
    player = player || players[0];
    var notice = player ? player.noticeElement() : null;
    if (!notice) {
      notice = document.createElement("p");
      var form = root.querySelector("[data-quiz-form]");
      if (form) form.parentNode.insertBefore(notice, form);
      else root.appendChild(notice);
    }
    notice.className = "notice notice--warning video-block__notice";
    notice.setAttribute("data-signed-out", "");
    notice.textContent = (text.signedOut || "") + " ";
    var link = document.createElement("a");
    var next = window.location.pathname + window.location.search;
    link.href = (signInUrl || "/accounts/login/") + "?next=" + encodeURIComponent(next);
    link.textContent = text.signInAgain;
    notice.appendChild(link);
    notice.hidden = false;
    announce(text.signedOut);
  }

  /* Bars and their texts change quietly: read out every few seconds they would
     talk over the video. Screen readers hear only what changes the learner's
     course (announce): a video, lesson or course done, why watching did not
     count, where a video resumes. */
  function setBar(container, percent, message) {
    if (!container) return;
    var bar = container.querySelector("progress");
    var label = container.querySelector("[data-progress-text]");
    var value = Math.max(0, Math.min(100, Math.round(percent)));
    if (bar) {
      bar.value = value;
      bar.textContent = value + "%";
    }
    if (label && label.textContent !== message) label.textContent = message;
    container.hidden = false;
  }

  var announcer = null;
  var announced = "";
  function announce(message) {
    if (!message || message === announced) return;
    if (!announcer) {
      announcer = document.createElement("p");
      announcer.className = "visually-hidden";
      announcer.setAttribute("role", "status");
      announcer.setAttribute("data-announcer", "");
      root.appendChild(announcer);
    }
    announced = message;
    // A new text node each time, so the same words said again are read again.
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = message;
    }, 50);
  }

  /* A plain button of the page's style, marked with ``attribute``. */
  function makeButton(label, attribute, onClick) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.setAttribute(attribute, "");
    button.textContent = label;
    button.addEventListener("click", onClick);
    return button;
  }

  function clock(seconds) {
    seconds = Math.floor(seconds);
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  /* --- Sources and captions --------------------------------------------- */

  var hlsScript = null;
  function loadHlsJs() {
    if (window.Hls) return Promise.resolve(window.Hls);
    if (!hlsScript) {
      hlsScript = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = root.dataset.hlsSrc;
        script.async = true;
        script.onload = function () {
          resolve(window.Hls);
        };
        script.onerror = function (error) {
          // Not kept: "Try again" loads it afresh after a dropped connection.
          hlsScript = null;
          script.remove();
          reject(error);
        };
        document.head.appendChild(script);
      });
    }
    return hlsScript;
  }

  /* startPosition() says where to start loading the stream: where the learner
     left off last time, or -1 for the beginning. onFatal() is called when the
     stream cannot be played (hls.js gave up). Returns a function that lets go
     of hls.js, for loading the stream again. */
  function attachSource(video, startPosition, onFatal) {
    var hls = video.dataset.hls;
    if (!hls) return function () {};
    if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = hls; // the browser itself honours preload="none"
      return function () {};
    }
    var detach = null;
    var gone = false;
    function attach() {
      playWithHlsJs(video, hls, startPosition, onFatal).then(function (release) {
        if (gone) release();
        else detach = release;
      });
    }
    if (dataSaver) {
      // With data saver on, not even hls.js is fetched before the learner
      // presses play.
      video.addEventListener("play", attach, { once: true });
    } else {
      attach();
    }
    return function () {
      gone = true;
      video.removeEventListener("play", attach);
      if (detach) detach();
    };
  }

  /* hls.js fetches the stream as soon as it is attached, whatever preload says,
     unless told to wait (autoStartLoad: false): it then reads the playlist only,
     and fetches video from the first play on, from the resume position.
     Resolves to a function that destroys the hls.js player. */
  function playWithHlsJs(video, hls, startPosition, onFatal) {
    function fallback() {
      var playing = !video.paused;
      video.src = hls;
      if (playing) video.play().catch(function () {});
      return function () {};
    }
    return loadHlsJs()
      .then(function (Hls) {
        if (!Hls || !Hls.isSupported()) return fallback();
        var config = { capLevelToPlayerSize: true, autoStartLoad: false };
        // With data saver on, start from the lowest quality instead of a guess;
        // the stream itself already stops at low resolution.
        if (dataSaver) config.startLevel = 0;
        var player = new Hls(config);
        // Play pressed before hls.js took the video over (always so with data
        // saver on): attaching it stops the video, which plays once loading.
        var pressed = !video.paused;
        var parsed = false;
        var started = false;
        function start() {
          if (started || !parsed || !(pressed || !video.paused)) return;
          started = true;
          player.startLoad(startPosition());
          if (pressed) video.play().catch(function () {});
        }
        player.on(Hls.Events.MANIFEST_PARSED, function () {
          parsed = true;
          start();
        });
        // hls.js tries again by itself after what it can get over; a fatal
        // error (the stream unreachable, the media broken) it gives up on.
        player.on(Hls.Events.ERROR, function (event, data) {
          if (data && data.fatal) onFatal();
        });
        video.addEventListener("play", start);
        player.loadSource(hls);
        player.attachMedia(video);
        return function () {
          video.removeEventListener("play", start);
          player.destroy();
        };
      })
      .catch(fallback);
  }

  function showCaptionsInPageLanguage(video) {
    var tracks = video.textTracks;
    for (var i = 0; i < tracks.length; i++) {
      tracks[i].mode = tracks[i].language === language ? "showing" : "disabled";
    }
  }

  /* --- One player ------------------------------------------------------- */

  function Player(figure) {
    this.figure = figure;
    this.video = figure.querySelector("video");
    this.videoId = parseInt(figure.dataset.videoId, 10);
    this.progress = figure.querySelector("[data-video-progress]");
    var title = figure.querySelector(".video-block__title");
    this.title = title ? title.textContent.trim() : "";
    this.session = null;
    this.timer = null;
    this.settle = null;
    // "playing" while a credited stretch runs (heartbeats every few seconds),
    // "seeking" from a seek until playing settles again, null otherwise.
    this.phase = null;
    this.resumeAt = 0;
    // Where playing had got to, and where the stretch being reported began.
    this.playedTo = 0;
    this.stretchFrom = 0;
    // The position of the last report the server heard; the video held while
    // reports fail (heldOffline) plays on once they get through again.
    this.heardAt = null;
    this.heldOffline = false;
    this.playedOffline = false;
    // Reporting: one heartbeat on its way at a time (sentAt), what the learner
    // did waiting its turn (queue), nothing sent before holdUntil (Retry-After,
    // back-off after failures).
    this.sentAt = 0;
    this.queue = [];
    this.holdUntil = 0;
    this.retryTimer = null;
    this.failures = 0;
    this.failingSince = 0;
    this.unsavedShown = false;
    this.notice = null;
    // The video could not be loaded: it says so, and nothing is reported.
    this.broken = false;
    this.errorBox = null;
    this.detach = function () {};
  }

  Player.prototype.start = function () {
    var self = this;
    var video = this.video;
    if (!video) return;
    this.attach(function () {
      return self.startPosition();
    });
    video.addEventListener("loadedmetadata", function () {
      showCaptionsInPageLanguage(video);
      self.applyResume();
    });
    video.addEventListener("error", function () {
      if (video.error) self.fail();
    });
    // A file that failed before this script ran (it runs after the page is read).
    if (video.error) this.fail();
    if (!signedIn) return;
    video.addEventListener("playing", function () {
      // Already reporting: playing on after a seek or after waiting for data
      // is no new start (the timer's heartbeats go on).
      if (self.phase || self.broken || signedOut) return;
      if (!self.session) self.session = newSessionId();
      if (self.heldOffline) {
        // Played on by the learner while reports still fail: their choice. The
        // video is not held again until reports get through, nor played on by
        // itself then, and the notice says that this watching is not counted.
        self.heldOffline = false;
        self.playedOffline = true;
        self.showUnsaved();
      }
      self.phase = "playing";
      self.startStretch();
      self.beat("playing");
      self.startTimer();
    });
    video.addEventListener("pause", function () {
      if (video.ended || video.seeking || self.broken) return;
      var reporting = self.phase;
      self.stopTimer();
      if (self.session && reporting) self.beat("paused");
    });
    // Where playing had got to: by "seeking" the video is already at the
    // position sought.
    video.addEventListener("timeupdate", function () {
      if (video.seeking) return;
      self.playedTo = video.currentTime;
      self.holdIfUncounted();
    });
    video.addEventListener("seeking", function () {
      // The stretch watched up to the seek counts: it ends where playing got to
      // (a seek back or forward, with the scrubber or the arrow keys). A seek
      // before anything was played (to where the learner left off) ends none.
      if (self.phase !== "playing" || !self.session || self.broken || signedOut) return;
      if (self.playedTo <= self.stretchFrom) return;
      self.beat("paused", false, self.playedTo);
    });
    video.addEventListener("seeked", function () {
      if (!self.session || self.broken || signedOut) return;
      // One report per seek: a seek ends the credited stretch. Playing on, the
      // next one starts with the heartbeat sent once the seeking has settled;
      // a seek within that time puts it off again.
      self.stopTimer();
      self.beat("seeked");
      if (video.paused || video.ended) return;
      self.phase = "seeking";
      self.settle = window.setTimeout(function () {
        self.settle = null;
        if (video.seeking) return; // seeking again: its "seeked" waits anew
        if (video.paused || video.ended) {
          self.phase = null;
          return;
        }
        self.phase = "playing";
        self.startStretch();
        self.beat("playing");
        self.startTimer();
      }, SEEK_SETTLE_MS);
    });
    video.addEventListener("ended", function () {
      self.stopTimer();
      if (!self.session || self.broken) return;
      self.beat("ended");
      self.session = null; // playing again is a new playback
    });
    // Leaving the page: report the last stretch watched before the page goes.
    window.addEventListener("pagehide", function () {
      if (self.session && self.phase && !video.paused) self.beat("paused", true);
    });
    // "pagehide" comes only once the next page has answered: following a link
    // to the dashboard, say, it would show where the video was at the heartbeat
    // before. So following a link or sending a form reports the stretch at once,
    // as a heartbeat of the playing video (should the page stay, watching goes
    // on counting from there).
    function leaving() {
      if (self.session && self.phase === "playing" && !video.paused && !self.broken &&
          !self.queue.length) {
        self.send(self.report("playing"), false, true);
      }
    }
    document.addEventListener("click", function (event) {
      if (leavesThisPage(event)) leaving();
    }, true);
    document.addEventListener("submit", function (event) {
      var target = event.target.getAttribute("target");
      if (!target || target === "_self") leaving();
    }, true);
  };

  /* Whether a click follows a link away from this page, in this window. */
  function leavesThisPage(event) {
    if (event.defaultPrevented || event.button !== 0) return false;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.hasAttribute("download")) return false;
    var target = link.getAttribute("target");
    if (target && target !== "_self") return false;
    var url = new URL(link.href, window.location.href);
    var here = window.location;
    return !(url.origin === here.origin && url.pathname === here.pathname &&
      url.search === here.search);
  }

  Player.prototype.startStretch = function () {
    this.playedTo = this.stretchFrom = this.video.currentTime;
  };

  /* Reports failing, the video waits before it plays past what the server can
     still credit when they get through; they getting through, it plays on
     (``recovered``). A video already watched plays on regardless. */
  Player.prototype.holdIfUncounted = function () {
    var video = this.video;
    if (!this.failingSince || this.phase !== "playing") return;
    if (this.heldOffline || this.playedOffline) return;
    if (this.completed || this.heardAt === null || signedOut || this.broken) return;
    if (video.currentTime - this.heardAt <= HOLD_AFTER_S) return;
    this.heldOffline = true;
    this.showUnsaved(text.heldOffline, "data-progress-held");
    video.pause();
  };

  Player.prototype.startTimer = function () {
    var self = this;
    if (this.timer) window.clearInterval(this.timer);
    this.timer = window.setInterval(function () {
      self.tick();
    }, HEARTBEAT_MS);
  };

  Player.prototype.stopTimer = function () {
    if (this.timer) window.clearInterval(this.timer);
    if (this.settle) window.clearTimeout(this.settle);
    this.timer = null;
    this.settle = null;
    this.phase = null;
  };

  /* The timer's heartbeat while playing. One heartbeat on its way at a time:
     on a stalled connection the next tick is skipped, and the heartbeat after it
     covers both stretches (sent at once, they would reach the server together,
     and the later one would look like a jump). A request that never answers
     stops holding it up after three ticks. Held back (Retry-After, or after
     failures), ticks are skipped too: the first one after covers the time. */
  Player.prototype.tick = function () {
    var video = this.video;
    if (video.paused || video.seeking || this.broken) return;
    if (this.queue.length) {
      this.flush(); // what the learner did goes first
      return;
    }
    if (Date.now() < this.holdUntil) return;
    if (this.sentAt && Date.now() - this.sentAt < 3 * HEARTBEAT_MS) return;
    this.send(this.report("playing"), false);
  };

  Player.prototype.report = function (state, at) {
    var video = this.video;
    var position = at !== undefined ? at :
      state === "ended" && isFinite(video.duration) ? video.duration : video.currentTime;
    return {
      lesson: lessonId,
      video: this.videoId,
      session: this.session,
      position: Math.round(position * 1000) / 1000,
      rate: video.playbackRate,
      state: state,
    };
  };

  /* Reports what the learner did (played, paused, seeked, reached the end),
     where the video was at that moment, in its turn. Leaving the page, it goes
     at once: there is no later. */
  Player.prototype.beat = function (state, keepalive, at) {
    var report = this.report(state, at);
    if (keepalive) {
      this.send(report, true, true);
      return;
    }
    var last = this.queue[this.queue.length - 1];
    if (last && last.session === report.session && last.state === report.state && state !== "ended") {
      // Two of a kind in a row: a run of seeks says where the last one went; of
      // two "playing", the first says where the stretch started.
      if (state !== "playing") this.queue[this.queue.length - 1] = report;
    } else {
      this.queue.push(report);
      if (this.queue.length > 20) this.queue.shift();
    }
    this.flush();
  };

  Player.prototype.flush = function () {
    if (!this.queue.length) return;
    if (Date.now() < this.holdUntil) {
      this.retryLater();
      return;
    }
    // Its answer sends the next one.
    if (this.sentAt && Date.now() - this.sentAt < 3 * HEARTBEAT_MS) return;
    this.send(this.queue.shift(), true);
  };

  Player.prototype.send = function (report, isEvent, keepalive) {
    var self = this;
    var sentAt = Date.now();
    this.sentAt = sentAt;
    return request("POST", "/heartbeat", report, { keepalive: keepalive, player: this }).then(
      function (answer) {
        if (self.sentAt === sentAt) self.sentAt = 0;
        var status = answer.status;
        if (status === -1) {
          self.queue = []; // not sent: no progress API here, or signed out
          return;
        }
        if (status >= 200 && status < 300) {
          self.heardAt = report.position;
          self.recovered();
          if (answer.body) self.showProgress(answer.body, report.state);
          if (report.state === "ended" && answer.body && !answer.body.completed) {
            self.checkReplaced();
          }
        } else if (status === 400 || status === 422) {
          self.checkReplaced();
        } else if (status === 0 || status === 429 || status >= 500) {
          // Not heard, or not now: what the learner did is sent again in its
          // turn; a tick is not (the next one covers its stretch).
          if (isEvent && !keepalive) self.queue.unshift(report);
          self.failed(status, answer.retryAfter);
        } // another refusal (400, 422) is about this report only: dropped
        if (!keepalive) self.flush();
      }
    );
  };

  /* A report failed: wait as long as the server said (Retry-After), or 2, 4,
     8… seconds, then try again; tell the learner once it has failed twice, or
     when the wait is long. */
  Player.prototype.failed = function (status, retryAfter) {
    var now = Date.now();
    this.failures += 1;
    if (!this.failingSince) this.failingSince = now;
    var most = status === 0 ? RETRY_OFFLINE_MAX_MS : RETRY_MAX_MS;
    var backOff = Math.min(most, RETRY_FIRST_MS * Math.pow(2, this.failures - 1));
    var wait = status === 429 && retryAfter !== null ? Math.min(retryAfter, 5 * RETRY_MAX_MS) : backOff;
    this.holdUntil = Math.max(this.holdUntil, now + wait);
    if (this.failures >= 2 || this.holdUntil - this.failingSince >= TELL_AFTER_MS) {
      this.showUnsaved();
    }
    this.retryLater();
  };

  Player.prototype.retryLater = function () {
    var self = this;
    if (this.retryTimer) return;
    this.retryTimer = window.setTimeout(function () {
      self.retryTimer = null;
      if (Date.now() < self.holdUntil) return self.retryLater();
      if (self.queue.length) return self.flush();
      // Nothing the learner did waits: a heartbeat asks whether the server
      // hears again, rather than the next tick some seconds on.
      if (self.failures && self.phase === "playing") self.tick();
    }, Math.max(0, this.holdUntil - Date.now()));
  };

  Player.prototype.recovered = function () {
    this.failures = 0;
    this.failingSince = 0;
    this.holdUntil = 0;
    var held = this.heldOffline;
    this.heldOffline = false;
    this.playedOffline = false;
    if (!this.unsavedShown) return;
    this.hideNotice();
    announce(text.savedAgain);
    if (held && this.video.paused && !this.video.ended) {
      var playing = this.video.play();
      if (playing && playing.catch) playing.catch(function () {});
    }
  };

  /* Back online: what waits is sent now, not at the end of the back-off. */
  Player.prototype.online = function () {
    if (!this.failures) return;
    this.holdUntil = 0;
    if (this.retryTimer) window.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryLater();
  };

  /* The line under the video that says progress is not being saved (or that
     the learner was signed out). Made when first needed. */
  Player.prototype.noticeElement = function () {
    if (!this.notice) {
      this.notice = document.createElement("p");
      this.notice.hidden = true;
      var caption = this.figure.querySelector("figcaption");
      this.figure.insertBefore(this.notice, caption);
    }
    return this.notice;
  };

  Player.prototype.showUnsaved = function (message, marker) {
    message = message || text.notSaved;
    marker = marker || "data-progress-unsaved";
    if (signedOut || (this.unsavedShown && this.notice.hasAttribute(marker))) return;
    if (this.heldOffline && marker !== "data-progress-held") return; // says more
    var notice = this.noticeElement();
    notice.className = "notice notice--warning video-block__notice";
    notice.removeAttribute("data-progress-unsaved");
    notice.removeAttribute("data-progress-held");
    notice.setAttribute(marker, "");
    notice.textContent = message;
    notice.hidden = false;
    this.unsavedShown = true;
    announce(message);
  };

  Player.prototype.hideNotice = function () {
    if (this.replaced) return;
    this.unsavedShown = false;
    if (!this.notice) return;
    this.notice.hidden = true;
    this.notice.removeAttribute("data-progress-unsaved");
    this.notice.removeAttribute("data-progress-held");
  };

  /* --- A video replaced while the page was open --------------------------- */

  /* A refused report, or a video played to its end without completing, may
     mean that the video was replaced (a new upload) since the page was loaded:
     the server then counts against the new one while the old one plays here.
     The lesson's state says so by another duration, or by the video no longer
     being in the lesson; the learner is asked to reload. Asked at most once a
     minute. */
  Player.prototype.checkReplaced = function () {
    var self = this;
    var now = Date.now();
    if (this.replaced || (this.checkedAt && now - this.checkedAt < 60000)) return;
    this.checkedAt = now;
    api("GET", "/lessons/" + lessonId).then(function (state) {
      if (!state || !self.pageDuration) return;
      var entry = (state.videos || []).filter(function (video) {
        return video.video === self.videoId;
      })[0];
      var duration = entry ? Number(entry.duration) || 0 : 0;
      if (entry && Math.abs(duration - self.pageDuration) <= 1) return;
      self.showReplaced();
    });
  };

  Player.prototype.showReplaced = function () {
    this.replaced = true;
    this.broken = true; // nothing more is reported from the old video
    this.stopTimer();
    this.queue = [];
    var notice = this.noticeElement();
    notice.className = "notice notice--warning video-block__notice";
    notice.setAttribute("data-video-replaced", "");
    notice.textContent = text.videoReplaced + " ";
    notice.appendChild(makeButton(text.reload, "data-reload", function () {
      window.location.reload();
    }));
    notice.hidden = false;
    this.unsavedShown = true; // this notice stays until the page is reloaded
    announce((this.title ? this.title + ": " : "") + text.videoReplaced);
  };

  /* --- A video that cannot be loaded ------------------------------------- */

  Player.prototype.attach = function (startPosition) {
    var self = this;
    this.detach = attachSource(this.video, startPosition, function () {
      self.fail();
    });
  };

  /* The local file or the stream could not be loaded: nothing plays, so
     nothing more is reported (what was watched up to here is); the learner is
     told, with a button to try again. */
  Player.prototype.fail = function () {
    if (this.broken) return;
    var video = this.video;
    this.broken = true;
    this.brokenAt = video.currentTime || 0;
    this.wasPlaying = Boolean(this.phase) || !video.paused;
    var reporting = this.phase;
    this.stopTimer();
    if (signedIn && this.session && reporting && !signedOut) this.beat("paused");
    this.showError();
  };

  Player.prototype.showError = function () {
    var self = this;
    if (!this.errorBox) {
      var box = document.createElement("div");
      box.className = "video-block__error";
      box.setAttribute("data-video-error", "");
      var message = document.createElement("p");
      message.textContent = text.videoError;
      var button = makeButton(text.retry, "data-video-retry", function () {
        self.retryVideo();
      });
      box.appendChild(message);
      box.appendChild(button);
      (this.figure.querySelector(".video-block__frame") || this.figure).appendChild(box);
      this.errorBox = box;
    }
    var focused = document.activeElement === this.video;
    this.errorBox.hidden = false;
    // Keyboard users on the video (now covered) are taken to the button.
    if (focused) this.errorBox.querySelector("button").focus();
    announce((this.title ? this.title + ": " : "") + text.videoError);
  };

  /* Load the video again, from where it was, and play on if it was playing. */
  Player.prototype.retryVideo = function () {
    var self = this;
    var video = this.video;
    var at = this.brokenAt;
    var play = this.wasPlaying;
    if (video.dataset.hls && /[?&]token=/.test(video.dataset.hls)) {
      // A signed stream's token may have run out (an hour): the page gives a
      // new one, and the player resumes where the server says the learner was.
      window.location.reload();
      return;
    }
    this.broken = false;
    this.errorBox.hidden = true;
    announced = ""; // failing again is said again
    video.focus();
    this.detach();
    if (video.dataset.hls && !video.canPlayType("application/vnd.apple.mpegurl")) {
      this.attach(function () {
        return at > 0 ? at : self.startPosition();
      });
      if (play) video.play().catch(function () {});
      return;
    }
    video.addEventListener(
      "loadedmetadata",
      function () {
        if (at > 0) video.currentTime = at;
        if (play) video.play().catch(function () {});
      },
      { once: true }
    );
    if (video.dataset.hls) video.src = video.dataset.hls;
    video.load();
  };

  Player.prototype.showProgress = function (answer, state) {
    var coverage = Number(answer.coverage) || 0;
    var message = answer.completed
      ? text.videoDone
      : (text.watched || "") + ": " + Math.round(coverage * 100) + "%";
    // Say why watching did not count: faster than the server credits, or the
    // video reached its end with parts skipped.
    var why = "";
    if (!answer.completed && this.video.playbackRate > 2) {
      why = text.tooFast;
    } else if (!answer.completed && state === "ended") {
      why = text.skipped;
    }
    if (why) message += ". " + why;
    setBar(this.progress, coverage * 100, message);
    var wasCompleted = this.completed;
    this.coverage = coverage;
    this.completed = Boolean(answer.completed);
    if (this.completed && !wasCompleted) announce((this.title ? this.title + ": " : "") + text.videoDone);
    else if (why) announce(message);
    updateLessonBar();
    if (this.completed && !wasCompleted) refreshLessonAndCourse();
  };

  /* Where the learner left off, unless that is at the very end (then the video
     starts over); 0 for none. */
  Player.prototype.resumePoint = function () {
    var at = this.resumeAt;
    var duration = isFinite(this.video.duration) && this.video.duration
      ? this.video.duration
      : parseFloat(this.figure.dataset.duration) || this.duration || 0;
    return !at || (duration && at >= duration - 2) ? 0 : at;
  };

  /* Where hls.js starts loading on the first play: where the video is, or where
     the learner left off, or -1, the start. */
  Player.prototype.startPosition = function () {
    if (this.video.currentTime > 0) return this.video.currentTime;
    var at = this.resumePoint();
    if (!at) return -1;
    this.loadedFrom = at;
    return at;
  };

  Player.prototype.applyResume = function () {
    var video = this.video;
    var at = this.resumeAt;
    if (!at || this.resumed) return;
    // hls.js started loading there (startPosition) and moves the video there.
    var loadedThere = this.loadedFrom === at;
    if (video.currentTime > 0 && !loadedThere) return;
    if (isFinite(video.duration) && at >= video.duration - 2) return;
    this.resumed = true;
    if (!loadedThere) video.currentTime = at;
    this.showResume(at);
  };

  Player.prototype.showResume = function (at) {
    var label = this.progress && this.progress.querySelector("[data-progress-text]");
    if (label) {
      label.textContent = format(text.resume, { time: clock(at) });
      this.progress.hidden = false;
      announce(label.textContent);
    }
  };

  /* --- Lesson and course progress --------------------------------------- */

  function updateLessonBar() {
    var container = root.querySelector("[data-lesson-progress]");
    if (!container || !lessonState) return;
    var parts = players.length + (lessonState.quiz ? 1 : 0);
    if (!parts && !lessonState.completed) return;
    var done = 0;
    players.forEach(function (player) {
      done += Math.min(1, (player.coverage || 0) / 0.95);
    });
    if (lessonState.quiz && lessonState.quiz.passed) done += 1;
    var percent = lessonState.completed ? 100 : (done / parts) * 100;
    var message = lessonState.completed
      ? text.lessonDone
      : (text.lessonProgress || "") + ": " + Math.round(percent) + "%";
    setBar(container, percent, message);
    if (lessonState.completed && lessonCompleted === false) announce(text.lessonDone);
    lessonCompleted = Boolean(lessonState.completed);
  }

  /* ``open``: the page was not counted as opened (another site sent the browser
     here, or it was prefetched), so the API's ``open`` call counts it now. */
  function loadLesson(open) {
    var request = open
      ? api("POST", "/lessons/" + lessonId + "/open?lang=" + encodeURIComponent(language))
      : api("GET", "/lessons/" + lessonId);
    return request.then(function (state) {
      if (!state) return;
      lessonState = state;
      (state.videos || []).forEach(function (entry) {
        players.forEach(function (player) {
          if (player.videoId !== entry.video) return;
          player.coverage = Number(entry.coverage) || 0;
          player.completed = Boolean(entry.completed);
          player.resumeAt = Number(entry.resume_at) || 0;
          player.duration = Number(entry.duration) || 0;
          // What the page plays: the video as it was when the page was loaded.
          if (!player.pageDuration) player.pageDuration = player.duration;
          if (player.coverage > 0 || player.completed) player.showProgressOnly(entry);
          if (!player.video) return;
          if (player.video.readyState >= 1) player.applyResume();
          // Not loaded yet (hls.js and data saver wait for play): say it now.
          else if (player.resumePoint()) player.showResume(player.resumeAt);
        });
      });
      if (state.quiz && state.quiz.passed) markQuizPassed();
      updateLessonBar();
    });
  }

  Player.prototype.showProgressOnly = function (entry) {
    var coverage = Number(entry.coverage) || 0;
    setBar(
      this.progress,
      coverage * 100,
      entry.completed ? text.videoDone : (text.watched || "") + ": " + Math.round(coverage * 100) + "%"
    );
  };

  function loadCourse() {
    if (!courseId) return Promise.resolve();
    return api("GET", "/courses/" + courseId).then(function (state) {
      if (!state) return;
      var total = Number(state.lessons_total) || 0;
      var done = Number(state.lessons_completed) || 0;
      var container = root.querySelector("[data-course-progress]");
      if (total) {
        setBar(
          container,
          (done / total) * 100,
          state.completed ? text.courseDone : format(text.courseProgress, { done: done, total: total })
        );
      }
      if (state.completed && courseCompleted === false) announce(text.courseDone);
      courseCompleted = Boolean(state.completed);
      (state.lessons || []).forEach(function (entry) {
        var item = root.querySelector('.lesson-list__item[data-lesson-id="' + entry.id + '"] [data-done]');
        if (item) item.hidden = !entry.completed;
      });
    });
  }

  /* One refresh at a time. One asked for while another is on its way runs after
     it: the answers on their way may have been read before what prompted the new
     request (a quiz passed while a finished video's refresh was loading). */
  var refreshing = null;
  var refreshAgain = false;
  function refreshLessonAndCourse() {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    function done() {
      refreshing = null;
      if (!refreshAgain) return;
      refreshAgain = false;
      return refreshLessonAndCourse();
    }
    refreshing = loadLesson().then(loadCourse).then(done, done);
    return refreshing;
  }

  /* --- Quiz ------------------------------------------------------------- */

  /* A quiz passed before: its questions fold away behind "Answer again". */
  function markQuizPassed() {
    var result = root.querySelector("[data-quiz-result]");
    if (!result || result.textContent) return;
    result.textContent = text.quizAlreadyPassed;
    var form = root.querySelector("[data-quiz-form]");
    if (!form || form.querySelector("[data-quiz-again]")) return;
    var parts = Array.prototype.slice.call(
      form.querySelectorAll(".quiz__question, button[type=submit]")
    );
    if (!parts.length) return;
    parts.forEach(function (part) {
      part.hidden = true;
    });
    var again = makeButton(text.quizAgain, "data-quiz-again", function () {
      parts.forEach(function (part) {
        part.hidden = false;
      });
      again.parentNode.removeChild(again);
      result.textContent = "";
      parts[0].querySelector("input") && parts[0].querySelector("input").focus();
    });
    form.appendChild(again);
  }

  function setUpQuiz() {
    var form = root.querySelector("[data-quiz-form]");
    if (!form) return;
    var result = form.querySelector("[data-quiz-result]");
    var button = form.querySelector("button[type=submit]");
    // Hidden in the page: without this script nothing would check the answers.
    if (button) button.hidden = false;
    var sending = false;
    // The answer, and the focus with it: the button pressed stays where it is
    // while the answers are checked (aria-disabled, not disabled, which would
    // drop the focus to the top of the page).
    function show(message) {
      result.textContent = message;
      result.focus();
    }
    // Not by the red border alone: the question says so in words, at its top,
    // and its radios are described by them. The status line under the button
    // names every question left, but on a phone it is a screen further down.
    function markUnanswered(fieldset, unanswered) {
      fieldset.classList.toggle("quiz__question--unanswered", unanswered);
      var radios = fieldset.querySelectorAll("input[type=radio]");
      if (!radios.length) return;
      var message = fieldset.querySelector("[data-quiz-unanswered]");
      var id = "quiz-unanswered-" + radios[0].name;
      if (unanswered && !message) {
        message = document.createElement("p");
        message.className = "quiz__unanswered";
        message.id = id;
        message.setAttribute("data-quiz-unanswered", "");
        message.textContent = text.quizUnanswered;
        var legend = fieldset.querySelector("legend");
        fieldset.insertBefore(message, legend ? legend.nextSibling : fieldset.firstChild);
      } else if (!unanswered && message) {
        message.parentNode.removeChild(message);
      }
      radios.forEach(function (input) {
        var described = (input.getAttribute("aria-describedby") || "")
          .split(" ")
          .filter(function (token) {
            return token && token !== id;
          });
        if (unanswered) {
          input.setAttribute("aria-invalid", "true");
          described.unshift(id);
        } else {
          input.removeAttribute("aria-invalid");
        }
        if (described.length) input.setAttribute("aria-describedby", described.join(" "));
        else input.removeAttribute("aria-describedby");
      });
    }
    form.addEventListener("change", function (event) {
      var fieldset = event.target.closest && event.target.closest("fieldset");
      if (fieldset) markUnanswered(fieldset, false);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!signedIn || sending) return;
      var answers = {};
      var unanswered = [];
      form.querySelectorAll("fieldset").forEach(function (fieldset) {
        var checked = fieldset.querySelector("input[type=radio]:checked");
        var any = fieldset.querySelector("input[type=radio]");
        if (!any) return;
        if (checked) answers[any.name] = checked.value;
        else unanswered.push(fieldset);
        markUnanswered(fieldset, !checked);
      });
      if (unanswered.length) {
        // Say which questions, and take the learner to the first of them.
        result.textContent = text.quizUnanswered + " " + format(text.quizUnansweredWhich, {
          numbers: unanswered.map(function (fieldset) {
            return fieldset.querySelector("input[type=radio]").name;
          }).join(", "),
        });
        unanswered[0].querySelector("input[type=radio]").focus();
        return;
      }
      sending = true;
      if (button) button.setAttribute("aria-disabled", "true");
      var wasAvailable = progressAvailable;
      progressAvailable = true; // always try: the answer is what the learner asked for
      api("POST", "/lessons/" + lessonId + "/quiz", { answers: answers }).then(function (answer) {
        progressAvailable = wasAvailable && progressAvailable;
        sending = false;
        if (button) button.removeAttribute("aria-disabled");
        if (!answer) {
          show(text.quizError);
          return;
        }
        var percent = Math.round((Number(answer.score) || 0) * 100);
        // A pass stands whatever comes after it: a learner who passed before (and
        // may hold the certificate) is not told to review the lesson.
        var passedBefore = Boolean(lessonState && lessonState.quiz && lessonState.quiz.passed);
        var verdict = answer.passed
          ? text.quizPassed
          : passedBefore
            ? text.quizFailedPassedBefore
            : text.quizFailed;
        result.classList.toggle("is-passed", Boolean(answer.passed));
        show((text.quizScore || "") + ": " + percent + "%. " + verdict);
        if (answer.passed) refreshLessonAndCourse();
      });
    });
  }

  /* --- Start ------------------------------------------------------------ */

  root.querySelectorAll("[data-video-player]").forEach(function (figure) {
    var player = new Player(figure);
    players.push(player);
    player.start();
  });
  setUpQuiz();
  if (signedIn) {
    loadLesson(root.hasAttribute("data-open-lesson")).then(loadCourse);
    window.addEventListener("online", function () {
      players.forEach(function (player) {
        player.online();
      });
    });
  }
})();
