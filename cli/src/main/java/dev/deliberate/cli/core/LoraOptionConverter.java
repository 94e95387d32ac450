package dev.deliberate.cli.core;

import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.llama.LoraAdapterFile;
import picocli.CommandLine;

/** Reads {@code --lora FILE[:SCALE]} ({@link LoraAdapterFile#parse}). */
public final class LoraOptionConverter implements CommandLine.ITypeConverter<LoraAdapterFile> {

    /** For picocli. */
    public LoraOptionConverter() {
    }

    @Override
    public LoraAdapterFile convert(String value) {
        try {
            return LoraAdapterFile.parse(value);
        } catch (InvalidRequestException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
