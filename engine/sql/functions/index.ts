/**
 * The function library: importing this module registers every built-in (registry.ts) — one
 * file per family — and exposes what bind.ts needs.
 */
import './control.js';
import './cast.js';
import './string.js';
import './numeric.js';
import './datetime.js';
import './json.js';
import './info.js';
import './regexp.js';

export { callFunction, hasFunction, readTimestamp } from './registry.js';
