package dev.deliberate.adapt.model;

/** A projection of a transformer block that LoRA can adapt, with its GGUF tensor name. */
public enum LoraTarget {
    /** Query projection. */
    Q("attn_q"),
    /** Key projection. */
    K("attn_k"),
    /** Value projection. */
    V("attn_v"),
    /** Attention output projection. */
    O("attn_output"),
    /** Feed-forward gate projection. */
    GATE("ffn_gate"),
    /** Feed-forward up projection. */
    UP("ffn_up"),
    /** Feed-forward down projection. */
    DOWN("ffn_down");

    private final String tensorStem;

    LoraTarget(String tensorStem) {
        this.tensorStem = tensorStem;
    }

    /**
     * @param layer block index
     * @return the base weight's GGUF name, such as {@code blk.0.attn_q.weight}
     */
    public String weightName(int layer) {
        return "blk." + layer + "." + tensorStem + ".weight";
    }

    /** @return the stems of all targets, for messages: {@code {attn_q,attn_k,...}} */
    static String stems() {
        StringBuilder b = new StringBuilder("{");
        for (LoraTarget t : values()) {
            b.append(b.length() > 1 ? "," : "").append(t.tensorStem);
        }
        return b.append('}').toString();
    }

    /** @return the part of the tensor name after {@code blk.N.}, such as {@code attn_q} */
    public String tensorStem() {
        return tensorStem;
    }
}
