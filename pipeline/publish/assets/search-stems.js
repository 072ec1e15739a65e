// Russian search: every word of a query is replaced by its Snowball stem before it reaches Material's search
// worker, so «образования» finds the «stems» field of a page that says «образование». Message type 2 is the
// worker's QUERY message in mkdocs-material 9; tests/test_site.py proves the whole path in Chromium.
(function () {
  var WORD = /[0-9a-zа-яё]+/gi;
  var post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message) {
    if (message && message.type === 2 && typeof message.data === "string") {
      var query = message.data.replace(WORD, function (word) { return window.russianStem(word); });
      arguments[0] = { type: 2, data: query };
    }
    return post.apply(this, arguments);
  };
})();
