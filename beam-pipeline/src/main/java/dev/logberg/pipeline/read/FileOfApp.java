package dev.logberg.pipeline.read;

import dev.logberg.pipeline.discover.LogFile;
import java.io.Serializable;

/** A file to read and the application whose folder it is in. */
public record FileOfApp(String appId, LogFile file) implements Serializable {}
