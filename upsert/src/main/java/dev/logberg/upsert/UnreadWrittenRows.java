package dev.logberg.upsert;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.runners.PTransformOverride;
import org.apache.beam.sdk.runners.PTransformOverrideFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.construction.PTransformReplacements;
import org.apache.beam.sdk.util.construction.ReplacementOutputs;
import org.apache.beam.sdk.values.OutputBuilder;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValues;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops Managed's Iceberg write from emitting every row it wrote on an output that nothing reads.
 *
 * <p>Why: in io-iceberg 2.67 the step that writes the rows of a bundle to data files ({@code
 * WriteUngroupedRowsToFiles}) also outputs each written row ({@code writtenRows}), and no step of
 * the write consumes that output. The runners still pay for it: Flink's batch translation ships a
 * multi-output step's whole output to every consumer of any of its outputs, and sinks unconsumed
 * ones, so each row was encoded and decoded three more times (a fifth of a 1 GB Flink run's CPU);
 * the SparkRunner caches a multi-output step's output, so every row stayed in memory as an object.
 * No upstream issue was found; the output is still there in io-iceberg 2.67, the newest available.
 *
 * <p>How: the step is replaced (a pipeline override, applied before the runner's own) by the same
 * step whose function is wrapped: the wrapper hands every call to Beam's function and drops only
 * what it outputs on {@code writtenRows}. Files, spilled rows and everything else pass unchanged.
 */
final class UnreadWrittenRows {
  private static final Logger LOG = LoggerFactory.getLogger(UnreadWrittenRows.class);
  static final String WRITE_FN = "WriteUngroupedRowsToFilesDoFn";
  static final String WRITTEN_ROWS = "writtenRows";

  private UnreadWrittenRows() {}

  /**
   * Replaces every such step of {@code pipeline} whose written rows no step reads; call after the
   * graph is built, before it runs.
   *
   * @return how many steps were replaced
   */
  static int dropFrom(Pipeline pipeline) {
    Set<PCollection<?>> read = new HashSet<>();
    int[] matched = {0};
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            node.getInputs().values().forEach(read::add);
          }
        });
    pipeline.replaceAll(
        List.of(
            PTransformOverride.of(
                application -> {
                  boolean replaced = matches(application, read);
                  matched[0] += replaced ? 1 : 0;
                  return replaced;
                },
                new ReplaceWriteStep<>())));
    if (matched[0] > 0) {
      LOG.info("Managed's Iceberg write: {} steps no longer emit the rows they wrote", matched[0]);
    }
    return matched[0];
  }

  private static boolean matches(AppliedPTransform<?, ?, ?> application, Set<PCollection<?>> read) {
    if (!(application.getTransform() instanceof ParDo.MultiOutput<?, ?> parDo)
        || !parDo.getFn().getClass().getSimpleName().equals(WRITE_FN)) {
      return false;
    }
    TupleTag<?> tag = writtenRowsTag(application.getOutputs());
    return tag != null && !read.contains(application.getOutputs().get(tag));
  }

  private static @Nullable TupleTag<?> writtenRowsTag(Map<TupleTag<?>, PCollection<?>> outputs) {
    for (Map.Entry<TupleTag<?>, PCollection<?>> output : outputs.entrySet()) {
      if (output.getValue().getName().endsWith("." + WRITTEN_ROWS)) {
        return output.getKey();
      }
    }
    return null;
  }

  private static final class ReplaceWriteStep<InputT, OutputT>
      implements PTransformOverrideFactory<
          PCollection<? extends InputT>, PCollectionTuple, ParDo.MultiOutput<InputT, OutputT>> {

    @Override
    public PTransformReplacement<PCollection<? extends InputT>, PCollectionTuple>
        getReplacementTransform(
            AppliedPTransform<
                    PCollection<? extends InputT>,
                    PCollectionTuple,
                    ParDo.MultiOutput<InputT, OutputT>>
                application) {
      ParDo.MultiOutput<InputT, OutputT> original = application.getTransform();
      Map<TupleTag<?>, PCollection<?>> outputs = application.getOutputs();
      TupleTag<?> dropped = Objects.requireNonNull(writtenRowsTag(outputs));
      PTransform<PCollection<? extends InputT>, PCollectionTuple> replacement =
          new PTransform<>() {
            @Override
            public PCollectionTuple expand(PCollection<? extends InputT> input) {
              @SuppressWarnings("unchecked")
              PCollection<InputT> typed = (PCollection<InputT>) input;
              PCollectionTuple result =
                  typed.apply(
                      ParDo.of(new WithoutOutput<>(original.getFn(), dropped))
                          .withOutputTags(
                              original.getMainOutputTag(), original.getAdditionalOutputTags()));
              // The same coders as Managed gave its outputs.
              outputs.forEach((tag, collection) -> copyCoder(collection, result.get(tag)));
              return result;
            }
          };
      return PTransformReplacement.of(
          PTransformReplacements.getSingletonMainInput(application), replacement);
    }

    @Override
    public Map<PCollection<?>, ReplacementOutput> mapOutputs(
        Map<TupleTag<?>, PCollection<?>> outputs, PCollectionTuple newOutput) {
      return ReplacementOutputs.tagged(outputs, newOutput);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void copyCoder(PCollection<?> from, PCollection<T> to) {
    to.setCoder((Coder<T>) from.getCoder());
  }

  /**
   * Beam's function, called through its invoker, with one output dropped. Only the calls Managed's
   * function declares are forwarded: start and finish of a bundle and each element.
   */
  static final class WithoutOutput<InputT, OutputT> extends DoFn<InputT, OutputT> {
    private final DoFn<InputT, OutputT> fn;
    private final TupleTag<?> dropped;
    private transient @Nullable DoFnInvoker<InputT, OutputT> invoker;

    WithoutOutput(DoFn<InputT, OutputT> fn, TupleTag<?> dropped) {
      this.fn = fn;
      this.dropped = dropped;
    }

    private DoFnInvoker<InputT, OutputT> invoker() {
      if (invoker == null) {
        invoker = DoFnInvokers.invokerFor(fn);
      }
      return invoker;
    }

    @Setup
    public void setup(PipelineOptions options) {
      invoker().invokeSetup(new Arguments<>(fn, options));
    }

    @StartBundle
    public void startBundle(StartBundleContext context) {
      invoker()
          .invokeStartBundle(
              new Arguments<InputT, OutputT>(fn, context.getPipelineOptions()) {
                @Override
                public DoFn<InputT, OutputT>.StartBundleContext startBundleContext(
                    DoFn<InputT, OutputT> doFn) {
                  return context;
                }
              });
    }

    @ProcessElement
    public void process(ProcessContext context, BoundedWindow window, MultiOutputReceiver out) {
      MultiOutputReceiver kept =
          new MultiOutputReceiver() {
            @Override
            public <T> OutputReceiver<T> get(TupleTag<T> tag) {
              return tag.equals(dropped) ? Discarding.of() : out.get(tag);
            }

            @Override
            public <T> OutputReceiver<Row> getRowReceiver(TupleTag<T> tag) {
              return tag.equals(dropped) ? Discarding.of() : out.getRowReceiver(tag);
            }
          };
      invoker()
          .invokeProcessElement(
              new Arguments<InputT, OutputT>(fn, context.getPipelineOptions()) {
                @Override
                public InputT element(DoFn<InputT, OutputT> doFn) {
                  return context.element();
                }

                @Override
                public BoundedWindow window() {
                  return window;
                }

                @Override
                public PaneInfo paneInfo(DoFn<InputT, OutputT> doFn) {
                  return context.pane();
                }

                @Override
                public MultiOutputReceiver taggedOutputReceiver(DoFn<InputT, OutputT> doFn) {
                  return kept;
                }

                @Override
                public DoFn<InputT, OutputT>.ProcessContext processContext(
                    DoFn<InputT, OutputT> doFn) {
                  return context;
                }
              });
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      // Managed's function outputs only data files here, never written rows.
      invoker()
          .invokeFinishBundle(
              new Arguments<InputT, OutputT>(fn, context.getPipelineOptions()) {
                @Override
                public DoFn<InputT, OutputT>.FinishBundleContext finishBundleContext(
                    DoFn<InputT, OutputT> doFn) {
                  return context;
                }
              });
    }

    @Teardown
    public void teardown() {
      if (invoker != null) {
        invoker.invokeTeardown();
      }
    }
  }

  /** Takes outputs and keeps none. */
  private static final class Discarding<T> implements DoFn.OutputReceiver<T> {
    // Shared: Managed's function asks for the receiver once per row it writes.
    private static final Discarding<?> INSTANCE = new Discarding<>();

    @SuppressWarnings("unchecked")
    static <T> Discarding<T> of() {
      return (Discarding<T>) INSTANCE;
    }

    @Override
    public void output(T value) {}

    @Override
    public void outputWithTimestamp(T value, Instant timestamp) {}

    @Override
    public void outputWindowedValue(
        T value,
        Instant timestamp,
        Collection<? extends BoundedWindow> windows,
        PaneInfo paneInfo) {}

    @Override
    public OutputBuilder<T> builder(T value) {
      return WindowedValues.<T>builder()
          .setValue(value)
          .setTimestamp(BoundedWindow.TIMESTAMP_MIN_VALUE)
          .setWindow(GlobalWindow.INSTANCE)
          .setPaneInfo(PaneInfo.NO_FIRING)
          .setReceiver(ignored -> {});
    }
  }

  private static class Arguments<InputT, OutputT>
      extends DoFnInvoker.BaseArgumentProvider<InputT, OutputT> {
    private final DoFn<InputT, OutputT> fn;
    private final PipelineOptions options;

    Arguments(DoFn<InputT, OutputT> fn, PipelineOptions options) {
      this.fn = fn;
      this.options = options;
    }

    @Override
    public PipelineOptions pipelineOptions() {
      return options;
    }

    @Override
    public String getErrorContext() {
      return "Managed's Iceberg write " + fn.getClass().getSimpleName();
    }
  }
}
