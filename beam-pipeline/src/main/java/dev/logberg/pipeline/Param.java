package dev.logberg.pipeline;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one declaration of an option's rules, on its getter in {@link LogbergOptions}. Read by {@link
 * OptionsValidator} (format checks), the template generator (runners/launch, the template spec in
 * deploy/templates), {@code --help} ({@link Main}) and the README options table ({@link
 * OptionsTable}); see {@link OptionDeclarations}.
 *
 * <p>The help text stays in Beam's {@link org.apache.beam.sdk.options.Description} and the default
 * in Beam's {@link org.apache.beam.sdk.options.Default}: Beam itself reads both (its own {@code
 * --help=Interface}, its defaults when parsing), so copying them here would make a second source
 * that could drift. Everything Beam does not know about lives here.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Param {
  /** Label in a template form; empty derives it from the name ("catalogUri": "Catalog URI"). */
  String label() default "";

  /**
   * The format of one value (of one element for a list option), a Java regex matched against the
   * whole value; empty derives it from the type (integers, booleans...), or accepts any text.
   */
  String regex() default "";

  /**
   * What the validator says of a value that does not match {@link #regex}, after "--name: "; {@code
   * %s} is the value. Empty says the regex.
   */
  String mismatch() default "";

  /** A realistic value, shown in {@code --help} and the README. */
  String example() default "";

  /**
   * Required in a launched job (the template): its default (if any) points into the repository,
   * which a launched job does not have. The command line keeps the default.
   */
  boolean required() default false;

  /** False for knobs of a laptop run that a launched job must not offer (the local lake). */
  boolean launchable() default true;
}
