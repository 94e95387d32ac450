package dev.deliberate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.InvalidRequestException;
import org.junit.jupiter.api.Test;

/** The key, its comparison and that it never shows; the effort budgets; the configuration's checks. */
class ApiKeyTest {

    @Test
    void matchesOnlyItselfAndNeverShows() {
        ApiKey key = ApiKey.of("sk-abc-123");
        assertTrue(key.matches("sk-abc-123"));
        assertFalse(key.matches("sk-abc-12"));
        assertFalse(key.matches("sk-abc-1234"));
        assertFalse(key.matches(""));
        assertEquals("ApiKey[redacted]", key.toString());
        ServerConfig config = ServerConfig.builder().apiKey(key).build();
        assertFalse(config.toString().contains("sk-abc"), config.toString());
    }

    @Test
    void refusesKeysThatCannotTravelInAHeader() {
        for (String bad : new String[] {"", "with space", "tab\tkey", "caf\u00e9", "x".repeat(4097)}) {
            assertThrows(InvalidRequestException.class, () -> ApiKey.of(bad), bad);
        }
    }

    @Test
    void effortBudgetsParseAndMustNotDecrease() {
        assertEquals(new ReasoningEfforts(1, 2, 3), ReasoningEfforts.parse(" 1, 2,3"));
        assertThrows(InvalidRequestException.class, () -> ReasoningEfforts.parse("3,2,1"));
        assertThrows(InvalidRequestException.class, () -> ReasoningEfforts.parse("1,2"));
        assertThrows(InvalidRequestException.class, () -> ReasoningEfforts.parse("a,b,c"));
        assertTrue(ReasoningEfforts.defaults().budgetFor("ultra").isEmpty());
    }

    @Test
    void configurationRejectsOutOfRangeValues() {
        assertThrows(InvalidRequestException.class, () -> ServerConfig.builder().port(70_000).build());
        assertThrows(InvalidRequestException.class, () -> ServerConfig.builder().maxBodyBytes(10).build());
        assertThrows(InvalidRequestException.class, () -> ServerConfig.builder().maxQueued(-1).build());
        assertThrows(InvalidRequestException.class, () -> ServerConfig.builder().host(" ").build());
        assertEquals("127.0.0.1", ServerConfig.builder().build().host());
        assertThrows(InvalidRequestException.class, () -> ModelPool.of(java.util.List.of()));
    }
}
