/**
 * Subcommands about models themselves: {@code testmodel} generates a random-weight test model, {@code inspect}
 * describes a GGUF file from its header.
 */
package dev.deliberate.cli.core;
