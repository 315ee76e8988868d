import { installTrustedTypesPolicy } from './trusted-types.js';

installTrustedTypesPolicy();
