/**
 * File output shared by every module: atomic writes that never leave a half-written file.
 */
package dev.deliberate.core.io;
