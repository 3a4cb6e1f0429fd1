// say: shows the `say` query parameter and speaks it, in the spirit of the
// text-to-speech service that svcreg grew from. Open index.html?say=hello.
(function () {
  var text = new URLSearchParams(window.location.search).get('say') || '';
  document.getElementById('text').textContent = text;
  var status = document.getElementById('status');
  if (!text) {
    status.textContent = 'add ?say=something to the address';
    return;
  }
  if ('speechSynthesis' in window) {
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
    status.textContent = 'speaking';
  } else {
    status.textContent = 'this browser cannot speak';
  }
})();
