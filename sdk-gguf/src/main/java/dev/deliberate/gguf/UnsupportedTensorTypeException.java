package dev.deliberate.gguf;

import dev.deliberate.core.DeliberateException;

/**
 * A tensor's element type is one this version of Deliberate cannot decode to floats (for example an {@code IQ*}
 * quantization). The message names the tensor, its type and the types that are supported.
 */
public final class UnsupportedTensorTypeException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    private final String tensor;
    private final String typeName;

    /**
     * @param tensor    the tensor's name
     * @param typeName  its type ({@code IQ2_XS}, or {@code type 42} for an unknown code)
     * @param supported the types that can be decoded, for the message
     */
    public UnsupportedTensorTypeException(String tensor, String typeName, String supported) {
        super("tensor " + tensor + " has type " + typeName + ", which cannot be decoded; supported: " + supported);
        this.tensor = tensor;
        this.typeName = typeName;
    }

    /** @return the tensor's name */
    public String tensor() {
        return tensor;
    }

    /** @return the tensor's type name */
    public String typeName() {
        return typeName;
    }
}
