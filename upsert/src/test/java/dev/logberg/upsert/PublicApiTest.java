package dev.logberg.upsert;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package's public top-level types are the API its package-info lists, and no more: other
 * modules need these; a new public type is a decision to make there, not a side effect.
 */
class PublicApiTest {
  @Test
  void thePublicTypesAreTheTenTheApiNames() throws IOException, URISyntaxException {
    Path classes =
        Path.of(UpsertIntoIceberg.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("dev/logberg/upsert");
    Set<String> publicTypes = new TreeSet<>();
    try (Stream<Path> files = Files.list(classes)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".class") || name.contains("$") || name.equals("package-info.class")) {
          continue;
        }
        String simple = name.substring(0, name.length() - ".class".length());
        try {
          Class<?> type = Class.forName("dev.logberg.upsert." + simple);
          if (Modifier.isPublic(type.getModifiers())) {
            publicTypes.add(simple);
          }
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    assertThat(
        publicTypes,
        is(
            new TreeSet<>(
                Set.of(
                    "CatalogSpec",
                    "Deduplicate",
                    "MergeKeyResolver",
                    "MergeKeys",
                    "Publication",
                    "RowSchemas",
                    "SharedS3FileIO",
                    "StagingTable",
                    "TableUpkeep",
                    "UpsertIntoIceberg"))));
  }
}
