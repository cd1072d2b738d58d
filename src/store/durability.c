/* durability.c: the table of durability gates (see durability.h). Gates live in static storage
 * and are reused, never freed, so a reader may look at one without a lock while a writer stops;
 * a generation number tells a reader that the gate it waits on was released meanwhile. */
#include "durability.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>

#define DURABILITY_GATES 16

struct durability_gate {
    atomic_bool in_use;
    atomic_uint_fast64_t generation;
    atomic_uint_fast64_t device;
    atomic_uint_fast64_t inode;
    atomic_uint_fast64_t committing; /* the newest batch whose commit may be visible */
    atomic_uint_fast64_t durable;    /* every batch up to this one is durable */
};

static durability_gate_t gates[DURABILITY_GATES];
static atomic_int gates_in_use;
static pthread_mutex_t gates_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gates_durable = PTHREAD_COND_INITIALIZER;

durability_key_t durability_key_of(const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0) return (durability_key_t){.valid = false};
    return (durability_key_t){
        .valid = true, .device = (uint64_t)st.st_dev, .inode = (uint64_t)st.st_ino};
}

durability_gate_t *durability_gate_claim(durability_key_t key)
{
    if (!key.valid) return NULL;
    durability_gate_t *claimed = NULL;
    pthread_mutex_lock(&gates_lock);
    for (int i = 0; i < DURABILITY_GATES && !claimed; i++) {
        durability_gate_t *g = &gates[i];
        if (atomic_load(&g->in_use)) continue;
        atomic_fetch_add(&g->generation, 1);
        atomic_store(&g->device, key.device);
        atomic_store(&g->inode, key.inode);
        atomic_store(&g->committing, 0);
        atomic_store(&g->durable, 0);
        atomic_store(&g->in_use, true);
        atomic_fetch_add(&gates_in_use, 1);
        claimed = g;
    }
    pthread_mutex_unlock(&gates_lock);
    return claimed;
}

void durability_gate_release(durability_gate_t *gate)
{
    if (!gate) return;
    pthread_mutex_lock(&gates_lock);
    atomic_store(&gate->in_use, false);
    atomic_fetch_add(&gate->generation, 1);
    atomic_fetch_sub(&gates_in_use, 1);
    pthread_cond_broadcast(&gates_durable);
    pthread_mutex_unlock(&gates_lock);
}

void durability_committing(durability_gate_t *gate, uint64_t n)
{
    if (gate) atomic_store(&gate->committing, n);
}

void durability_reached(durability_gate_t *gate, uint64_t n)
{
    if (!gate) return;
    pthread_mutex_lock(&gates_lock);
    atomic_store(&gate->durable, n);
    pthread_cond_broadcast(&gates_durable);
    pthread_mutex_unlock(&gates_lock);
}

/* Waits while the gate still belongs to the same writer and target is not durable yet. */
static void wait_durable(durability_gate_t *g, uint64_t generation, uint64_t target)
{
    pthread_mutex_lock(&gates_lock);
    while (atomic_load(&g->in_use) && atomic_load(&g->generation) == generation &&
           atomic_load(&g->durable) < target)
        pthread_cond_wait(&gates_durable, &gates_lock);
    pthread_mutex_unlock(&gates_lock);
}

void durability_wait_visible(durability_key_t key)
{
    if (!key.valid || atomic_load(&gates_in_use) == 0) return;
    for (int i = 0; i < DURABILITY_GATES; i++) {
        durability_gate_t *g = &gates[i];
        if (!atomic_load(&g->in_use)) continue;
        uint64_t generation = atomic_load(&g->generation);
        if (atomic_load(&g->device) != key.device || atomic_load(&g->inode) != key.inode) continue;
        uint64_t target = atomic_load(&g->committing);
        if (atomic_load(&g->durable) < target) wait_durable(g, generation, target);
        return;
    }
}
