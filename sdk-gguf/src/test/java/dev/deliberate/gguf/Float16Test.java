package dev.deliberate.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Float16Test {

    private static int half(float f) {
        return Float16.fromFloat(f) & 0xffff;
    }

    @Test
    void exactValuesConvertExactly() {
        assertEquals(0x3C00, half(1f));
        assertEquals(0xC000, half(-2f));
        assertEquals(0x0000, half(0f));
        assertEquals(0x8000, half(-0f));
        assertEquals(0x7BFF, half(65504f)); // largest half
        assertEquals(0x0001, half(0x1p-24f)); // smallest subnormal
        assertEquals(0x0400, half(0x1p-14f)); // smallest normal
        assertEquals(0x7C00, half(Float.POSITIVE_INFINITY));
    }

    @Test
    void roundsToNearestWithTiesToEven() {
        assertEquals(0x3C00, half(1f + 0x1p-11f)); // halfway between 0x3C00 and 0x3C01: even wins
        assertEquals(0x3C02, half(1f + 3 * 0x1p-11f)); // halfway between 0x3C01 and 0x3C02: even wins
        assertEquals(0x3C01, half(1f + 0x1p-11f + 0x1p-20f)); // just above halfway
        assertEquals(0x0000, half(0x1p-25f)); // halfway between 0 and the smallest subnormal
        assertEquals(0x0001, half(3 * 0x1p-26f));
        assertEquals(0x7C00, half(65520f)); // rounds up to infinity
        assertEquals(0x7BFF, half(65519f));
    }

    @Test
    void nanStaysNan() {
        int h = half(Float.NaN);
        assertEquals(0x7C00, h & 0x7C00);
        assertTrue((h & 0x3FF) != 0);
    }

    @Test
    void everyFiniteHalfSurvivesARoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            if ((h & 0x7C00) == 0x7C00) {
                continue; // infinities and NaNs
            }
            int expected = h;
            float f = Float16.toFloat((short) h);
            assertEquals(expected, half(f), () -> "half " + Integer.toHexString(expected));
        }
    }
}
