/**
 * The tracking page's stylesheet, served from our own origin (`/rastreio/assets/tracking.css`) so the
 * CSP can say `style-src 'self'` with no inline styles and no external assets. Mobile first.
 */
import { createHash } from 'node:crypto';

/** The stylesheet text. */
export const TRACKING_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2933;background:#f5f7fa;line-height:1.5}
body{margin:0}
header{background:#0b5394;color:#fff;padding:1rem}
header .brand{font-weight:700;font-size:1.25rem;letter-spacing:.02em}
main{max-width:44rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .75rem}
.card{background:#fff;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:1rem}
.summary{display:grid;grid-template-columns:1fr;gap:.75rem;margin:0}
.summary div{margin:0}
.summary dt{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:#52606d}
.summary dd{margin:0;font-weight:600;word-break:break-all}
.status{display:inline-block;padding:.15rem .6rem;border-radius:1rem;background:#e3f2fd;color:#0b5394}
.status-delivered{background:#e3f9e5;color:#05400a}
.status-exception{background:#ffe3e3;color:#8a041a}
.timeline{list-style:none;margin:0;padding:0 0 0 1.25rem;border-left:3px solid #cbd2d9}
.timeline li{position:relative;margin:0 0 1rem;padding-left:.5rem}
.timeline li::before{content:"";position:absolute;left:-1.75rem;top:.35rem;width:.9rem;height:.9rem;border-radius:50%;background:#cbd2d9;border:2px solid #fff}
.timeline li.latest::before{background:#0b5394}
.timeline time{display:block;font-size:.85rem;color:#52606d}
.timeline .what{font-weight:600}
.timeline .where{color:#52606d}
.empty{color:#52606d}
form{display:grid;gap:.75rem}
label{display:grid;gap:.25rem;font-weight:600}
input{font:inherit;padding:.6rem;border:1px solid #9aa5b1;border-radius:.35rem;width:100%}
button{font:inherit;font-weight:700;padding:.7rem 1rem;border:0;border-radius:.35rem;background:#0b5394;color:#fff;cursor:pointer}
.notice{background:#fffbea;border:1px solid #f0b429;border-radius:.35rem;padding:.75rem}
nav.lang{margin-top:2rem;font-size:.9rem}
nav.lang a{color:#0b5394;margin-right:1rem}
nav.lang a[aria-current]{font-weight:700;text-decoration:none;color:#1f2933}
@media (min-width:40rem){
  header{padding:1rem 2rem}
  main{padding:2rem}
  h1{font-size:1.9rem}
  .summary{grid-template-columns:1fr 1fr}
  form{grid-template-columns:1fr 1fr auto;align-items:end}
}
`.trim();

/** Strong validator of the stylesheet, for long-lived caching. */
export const TRACKING_CSS_ETAG = `"${createHash('sha256').update(TRACKING_CSS).digest('base64url').slice(0, 16)}"`;
