package dev.dlp;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Tests of the fast paths, which work on host (CPU backend) arrays and stand aside by design on another backend:
 * skipped there instead of failing.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(CpuBackendOnly.Condition.class)
public @interface CpuBackendOnly {
    /** Enabled on ND4J's CPU backend only. */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return dev.dlp.nd4j.Backend.hostArrays() ? ConditionEvaluationResult.enabled("CPU backend")
                    : ConditionEvaluationResult.disabled("needs ND4J's CPU backend");
        }
    }
}
