package dev.deliberate.llama;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.InvalidSchemaException;
import org.junit.jupiter.api.Test;

/** Schemas the native grammar converter cannot take are refused before any native code runs. */
class SchemaSupportTest {

    private static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    @Test
    void selfReferenceAtTheStartIsRefusedWithOneClearLine() throws Exception {
        InvalidSchemaException e = assertThrows(InvalidSchemaException.class,
                () -> SchemaSupport.check(json("{\"$ref\":\"#\"}")));
        assertTrue(e.getMessage().contains("refers back to itself before any JSON is written"), e.getMessage());
        assertTrue(e.getMessage().contains("left recursion"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void leftRecursionThroughDefinitionsAndAnyOfIsRefused() {
        for (String schema : new String[] {
            "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"anyOf\":[{\"type\":\"string\"},"
                    + "{\"$ref\":\"#/$defs/a\"}]}},\"$ref\":\"#/$defs/a\"}",
            "{\"anyOf\":[{\"type\":\"null\"},{\"$ref\":\"#\"}]}",
            "{\"allOf\":[{\"$ref\":\"#/allOf/0\"}]}"}) {
            assertThrows(InvalidSchemaException.class, () -> SchemaSupport.check(json(schema)), schema);
        }
    }

    @Test
    void recursionInsidePropertiesOrItemsIsAccepted() throws Exception {
        JsonNode tree = json("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                + "\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}},\"required\":[\"name\"]}");
        assertDoesNotThrow(() -> SchemaSupport.check(tree));
        JsonNode list = json("{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"next\":{\"anyOf\":["
                + "{\"type\":\"null\"},{\"$ref\":\"#/$defs/node\"}]}}}},\"$ref\":\"#/$defs/node\"}");
        assertDoesNotThrow(() -> SchemaSupport.check(list));
    }

    @Test
    void sharedDefinitionsWithoutCyclesAreAccepted() throws Exception {
        assertDoesNotThrow(() -> SchemaSupport.check(json("{\"$defs\":{\"s\":{\"type\":\"string\"}},\"anyOf\":["
                + "{\"$ref\":\"#/$defs/s\"},{\"allOf\":[{\"$ref\":\"#/$defs/s\"}]}]}")));
    }
}
