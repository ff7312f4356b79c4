package dev.dlp.train;

import dev.dlp.config.TrainConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    private static TrainConfig prefetch(boolean on) {
        TrainConfig d = TrainConfig.DEFAULTS;
        return new TrainConfig(d.epochs(), d.batchSize(), d.updater(), d.l2(), d.weightInit(), d.earlyStopping(),
                d.threads(), on, d.engine(), d.workers(), d.split(), d.stats(), d.statsEvery(), d.distributed());
    }

    @Test
    void theBatchesHaveAThreadOfTheirOwnOnlyWhenTheWorkersLeaveACoreFree() {
        assertTrue(Trainer.prefetchThread(prefetch(true), 1, 2));
        assertTrue(Trainer.prefetchThread(prefetch(true), 3, 4));
        assertFalse(Trainer.prefetchThread(prefetch(true), 2, 2), "a worker on every core");
        assertFalse(Trainer.prefetchThread(prefetch(true), 1, 1), "one core");
        assertFalse(Trainer.prefetchThread(prefetch(false), 1, 2), "train.prefetch: false");
    }
}
