/* Loaded just before Bootstrap Italia's bundle (web/base.html). The bundle includes video.js,
   which on load would add an inline <style> with default player sizes; the
   Content-Security-Policy (style-src 'self') refuses inline styles, and Performa shows no
   videos, so video.js is told not to. */
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
