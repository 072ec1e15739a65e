// The Snowball Russian stemmer (snowballstem.org/algorithms/russian), the same algorithm the build runs with
// the snowballstemmer package to fill the search index's «stems» field; tests compare the two word by word.
(function (global) {
  var VOWELS = "аеиоуыэюя";
  var PERFECTIVE_GERUND_1 = ["в", "вши", "вшись"];
  var PERFECTIVE_GERUND_2 = ["ив", "ивши", "ившись", "ыв", "ывши", "ывшись"];
  var ADJECTIVE = ["ее", "ие", "ые", "ое", "ими", "ыми", "ей", "ий", "ый", "ой", "ем", "им", "ым", "ом", "его",
    "ого", "ему", "ому", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею"];
  var PARTICIPLE_1 = ["ем", "нн", "вш", "ющ", "щ"];
  var PARTICIPLE_2 = ["ивш", "ывш", "ующ"];
  var REFLEXIVE = ["ся", "сь"];
  var VERB_1 = ["ла", "на", "ете", "йте", "ли", "й", "л", "ем", "н", "ло", "но", "ет", "ют", "ны", "ть", "ешь",
    "нно"];
  var VERB_2 = ["ила", "ыла", "ена", "ейте", "уйте", "ите", "или", "ыли", "ей", "уй", "ил", "ыл", "им", "ым", "ен",
    "ило", "ыло", "ено", "ят", "ует", "уют", "ит", "ыт", "ены", "ить", "ыть", "ишь", "ую", "ю"];
  var NOUN = ["а", "ев", "ов", "ие", "ье", "е", "иями", "ями", "ами", "еи", "ии", "и", "ией", "ей", "ой", "ий", "й",
    "иям", "ям", "ием", "ем", "ам", "ом", "о", "у", "ах", "иях", "ях", "ы", "ь", "ию", "ью", "ю", "ия", "ья", "я"];
  var DERIVATIONAL = ["ост", "ость"];
  var TIDY_UP = ["ейш", "ейше", "н", "ь"];

  function isVowel(ch) { return VOWELS.indexOf(ch) !== -1; }

  // The longest ending of the list that lies wholly at or after limit (Snowball's «among»).
  function longest(word, endings, limit) {
    var best = null;
    for (var i = 0; i < endings.length; i++) {
      var e = endings[i];
      if (word.length - e.length >= limit && word.slice(word.length - e.length) === e &&
          (best === null || e.length > best.length)) best = e;
    }
    return best;
  }

  // Removes the longest ending of either group; endings of the first group must follow «а» or «я».
  function removeGrouped(word, first, second, limit) {
    var a = longest(word, first, limit), b = longest(word, second, limit);
    var ending = a !== null && (b === null || a.length > b.length) ? a : b;
    if (ending === null) return null;
    if (ending === a) {
      var k = word.length - ending.length - 1;
      if (k < limit || "ая".indexOf(word.charAt(k)) === -1) return null;
    }
    return word.slice(0, word.length - ending.length);
  }

  function regions(word) {
    var n = word.length, pV = n, p2 = n, i = 0;
    while (i < n && !isVowel(word[i])) i++;
    if (i >= n) return [pV, p2];
    pV = i + 1;
    i = pV;
    while (i < n && isVowel(word[i])) i++;
    i++;
    while (i < n && !isVowel(word[i])) i++;
    i++;
    while (i < n && isVowel(word[i])) i++;
    if (i < n) p2 = i + 1;
    return [pV, p2];
  }

  function stem(input) {
    var word = input.toLowerCase().replace(/ё/g, "е");
    var marks = regions(word), pV = marks[0], p2 = marks[1];
    var cut = removeGrouped(word, PERFECTIVE_GERUND_1, PERFECTIVE_GERUND_2, pV);
    if (cut !== null) {
      word = cut;
    } else {
      var reflexive = longest(word, REFLEXIVE, pV);
      if (reflexive !== null) word = word.slice(0, word.length - reflexive.length);
      var adjective = longest(word, ADJECTIVE, pV);
      if (adjective !== null) {
        word = word.slice(0, word.length - adjective.length);
        cut = removeGrouped(word, PARTICIPLE_1, PARTICIPLE_2, pV);
        if (cut !== null) word = cut;
      } else {
        cut = removeGrouped(word, VERB_1, VERB_2, pV);
        if (cut !== null) {
          word = cut;
        } else {
          var noun = longest(word, NOUN, pV);
          if (noun !== null) word = word.slice(0, word.length - noun.length);
        }
      }
    }
    if (word.length - 1 >= pV && word.charAt(word.length - 1) === "и") word = word.slice(0, -1);
    var derivational = longest(word, DERIVATIONAL, pV);
    if (derivational !== null && word.length - derivational.length >= p2) {
      word = word.slice(0, word.length - derivational.length);
    }
    var tidy = longest(word, TIDY_UP, pV);
    if (tidy === "ь") {
      word = word.slice(0, -1);
    } else if (tidy === "н") {
      if (word.length - 2 >= pV && word.charAt(word.length - 2) === "н") word = word.slice(0, -1);
    } else if (tidy !== null) {
      word = word.slice(0, word.length - tidy.length);
      if (word.length - 2 >= pV && word.slice(-2) === "нн") word = word.slice(0, -1);
    }
    return word;
  }

  global.russianStem = stem;
})(window);
