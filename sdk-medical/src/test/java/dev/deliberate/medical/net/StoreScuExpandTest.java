package dev.deliberate.medical.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files {@link StoreScu#expand(List)} finds in a folder tree, and in what order. */
class StoreScuExpandTest {
    @TempDir
    Path tmp;

    @Test
    void walksFoldersSortedTakesLinksToFilesAndDoesNotFollowLinksToFolders() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path a = Files.createDirectories(root.resolve("a"));
        Path deep = Files.createDirectories(root.resolve("b/c"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("elsewhere.dcm"), "x");
        Path two = Files.writeString(a.resolve("2.dcm"), "x");
        Path one = Files.writeString(a.resolve("1.dcm"), "x");
        Path three = Files.writeString(deep.resolve("3.dcm"), "x");
        Path top = Files.writeString(root.resolve("0.dcm"), "x");
        Path fileLink = Files.createSymbolicLink(root.resolve("z-link.dcm"), one);
        Files.createSymbolicLink(root.resolve("linked-folder"), outside);
        Files.createSymbolicLink(root.resolve("dangling.dcm"), tmp.resolve("gone.dcm"));
        Path single = Files.writeString(tmp.resolve("single.dcm"), "x");

        assertEquals(List.of(top, one, two, three, fileLink, single),
                StoreScu.expand(List.of(root, single)));
    }

    @Test
    void aPathThatIsNeitherFolderNorFileIsNamed() {
        Path missing = tmp.resolve("missing.dcm");
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> StoreScu.expand(List.of(missing)));
        assertEquals(missing.toString(), e.getFile());
    }
}
