/** {@code deliberate adapt}: thin command-line layers over {@code dev.deliberate.adapt}. */
package dev.deliberate.cli.adapt;
