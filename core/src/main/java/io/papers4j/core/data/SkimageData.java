package io.papers4j.core.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sample images of scikit-image's data directory as Debian's {@code python3-skimage} installs them
 * (CC0 / public-domain photos and a short GIF): several papers' real-image sets are cut from them.
 */
public final class SkimageData {
  public static final Path DIR = Path.of("/usr/lib/python3/dist-packages/skimage/data");
  public static final String DEBIAN_PACKAGE = "python3-skimage";

  private SkimageData() {}

  /** The file {@code name} of the data directory; a readable message naming the package when it is missing. */
  public static Path file(String name) {
    return file(DIR, name);
  }

  /** As above in another copy of the data directory. */
  public static Path file(Path dir, String name) {
    Path f = dir.resolve(name);
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException(f + ": skimage sample image not found (install the Debian package " + DEBIAN_PACKAGE + ")");
    }
    return f;
  }
}
