package dev.logberg.pipeline.discover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** Lists application folders on a local (or mounted) file system. */
final class LocalAppFolderLister implements AppFolderLister {

  @Override
  public List<String> listAppFolders(String root) throws IOException {
    Path dir = toPath(root);
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(
          dir.toString(), null, "input folder does not exist or is not a folder");
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children
          .filter(Files::isDirectory)
          .filter(p -> p.getFileName().toString().startsWith(APP_FOLDER_PREFIX))
          .map(p -> p.toAbsolutePath().normalize().toString())
          .sorted()
          .toList();
    }
  }

  @Override
  public List<LogFile> listFiles(String appFolder) throws IOException {
    Path folder = toPath(appFolder);
    Path base =
        Objects.requireNonNull(
            folder.getParent(), () -> folder + " is a root, not an application folder");
    try (Stream<Path> paths = Files.walk(folder)) {
      return paths
          .filter(p -> !isHidden(folder.relativize(p)))
          .filter(Files::isRegularFile)
          .map(
              p ->
                  new LogFile(
                      p.toString(),
                      base.relativize(p).toString().replace('\\', '/'),
                      size(p),
                      modifiedMillis(p)))
          .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Fluent Bit never writes dot-files; editors, sync tools and git placeholders do. */
  private static boolean isHidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long modifiedMillis(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path toPath(String location) {
    return (location.startsWith("file:") ? Paths.get(URI.create(location)) : Path.of(location))
        .toAbsolutePath()
        .normalize();
  }
}
