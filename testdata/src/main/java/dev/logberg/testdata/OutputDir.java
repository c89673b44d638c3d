package dev.logberg.testdata;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Makes the output folder ready: creates it, or empties what an earlier run wrote there.
 * Regenerating in place must not leave files of an older seed behind, but a mistyped {@code --out}
 * must not delete anything else, so a folder holding anything besides application folders and the
 * ignored folder is refused.
 */
final class OutputDir {
  private OutputDir() {}

  static void prepare(Path dir) throws IOException, UsageException {
    if (!Files.exists(dir)) {
      Files.createDirectories(dir);
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new UsageException("--out " + dir + " is not a folder");
    }
    List<Path> generated = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!Files.isDirectory(entry) || !TreeLayout.isGeneratedTopLevel(name)) {
          throw new UsageException(
              "--out "
                  + dir
                  + " holds '"
                  + name
                  + "', which this generator did not write;"
                  + " use an empty or new folder");
        }
        generated.add(entry);
      }
    }
    for (Path entry : generated) {
      deleteRecursively(entry);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : paths) {
      Files.delete(p);
    }
  }
}
