package dev.caravan.tracking;

import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheTree;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Keeps the index's tree cache (git's TREE extension: the id of every folder's tree) across a stage, so that only the
 * folders a cycle touched are hashed again. JGit drops the whole cache on any edit of the index, and the next
 * {@code writeTree} (the stage's or the commit's) then hashes every folder: on the ICGC tree that is 15,000 trees
 * rebuilt for 24 moves, most of a one-shot's commit (issue 10 point 13). Git itself invalidates only the touched paths'
 * ancestors ({@code cache_tree_invalidate_path}); this does the same to the cache JGit read from the index file.
 * <p>
 * JGit has no public way to invalidate part of the cache, so this sets three of its private fields. When they are not
 * there (another JGit version), {@link #keep} says so and the stage falls back to JGit's full rebuild: slower, never
 * wrong. {@code CacheTreesTest} compares the kept trees with a full rebuild after moves, additions and removals.
 */
final class CacheTrees {

    private static final Field TREE = field(DirCache.class, "tree");
    private static final Field SPAN = field(DirCacheTree.class, "entrySpan");
    private static final Field ID = field(DirCacheTree.class, "id");

    private CacheTrees() {
    }

    private static Field field(Class<?> c, String name) {
        try {
            Field f = c.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * After an edit of {@code dc}: puts back {@code before}, the cache the index had before the edit, with every folder
     * on the way to each of {@code changed} (paths relative to the work tree, '/'-separated: files or folders, present
     * or gone) and everything under a changed folder marked invalid, so that the next {@code writeTree} hashes those
     * alone and takes the others' ids as they were. False (and {@code dc} left without a cache, as JGit leaves it) when
     * the index had no cache or JGit's fields are not those this knows.
     */
    static boolean keep(DirCache dc, DirCacheTree before, Collection<String> changed) {
        if (before == null || TREE == null || SPAN == null || ID == null) {
            return false;
        }
        try {
            // a folder's children by name, built once per folder walked: a release of 10,000 jobs names 30,000 paths
            // under one state folder of 10,000 children, and a scan of them per path took seconds
            Map<DirCacheTree, Map<String, DirCacheTree>> children = new IdentityHashMap<>();
            for (String p : changed) {
                DirCacheTree t = before;
                invalidate(t);
                for (String name : p.split("/")) {
                    t = children.computeIfAbsent(t, CacheTrees::byName).get(name);
                    if (t == null) {
                        break;
                    }
                    invalidate(t);
                }
                if (t != null) {
                    invalidateAll(t); // a folder staged whole: any file under it may have changed
                }
            }
            TREE.set(dc, before);
            return true;
        } catch (IllegalAccessException | RuntimeException e) {
            return false;
        }
    }

    private static Map<String, DirCacheTree> byName(DirCacheTree t) {
        Map<String, DirCacheTree> m = new HashMap<>(t.getChildCount() * 2);
        for (int i = 0; i < t.getChildCount(); i++) {
            DirCacheTree c = t.getChild(i);
            m.put(c.getNameString(), c);
        }
        return m;
    }

    private static void invalidate(DirCacheTree t) throws IllegalAccessException {
        SPAN.setInt(t, -1);
        ID.set(t, null);
    }

    private static void invalidateAll(DirCacheTree t) throws IllegalAccessException {
        invalidate(t);
        for (int i = 0; i < t.getChildCount(); i++) {
            invalidateAll(t.getChild(i));
        }
    }
}
