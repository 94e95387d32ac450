/**
 * The command line's configuration file (defaults for options, named models) and {@code deliberate models}. Part of
 * the CLI, not SDK API.
 */
package dev.deliberate.cli.config;
