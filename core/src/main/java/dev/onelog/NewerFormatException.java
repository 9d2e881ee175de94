package dev.onelog;

/**
 * The file is a onelog file of a newer format than this version of onelog reads. It was not
 * modified.
 */
public class NewerFormatException extends OneLogException {
  private static final long serialVersionUID = 1L;
  private final int fileFormatVersion;
  private final int supportedFormatVersion;

  public NewerFormatException(String message, int fileFormatVersion, int supportedFormatVersion) {
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
