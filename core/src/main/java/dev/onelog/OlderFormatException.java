package dev.onelog;

/**
 * The file is a onelog file of an older format than this version of onelog reads, and it cannot be
 * upgraded here: it was opened read-only (opening it once for writing upgrades it in place), or it
 * is older than the oldest format this version upgrades. It was not modified.
 */
public class OlderFormatException extends OneLogException {
  private static final long serialVersionUID = 1L;
  private final int fileFormatVersion;
  private final int supportedFormatVersion;

  public OlderFormatException(String message, int fileFormatVersion, int supportedFormatVersion) {
    super(message);
    this.fileFormatVersion = fileFormatVersion;
    this.supportedFormatVersion = supportedFormatVersion;
  }

  public int fileFormatVersion() {
    return fileFormatVersion;
  }

  public int supportedFormatVersion() {
    return supportedFormatVersion;
  }
}
