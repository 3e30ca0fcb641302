// The large app of the generation bench: the cached Nest 12 ESM app grown to 260 modules and
// 1,260 source files, the shape of a real codebase (domain modules importing feature modules,
// each feature a module, service, controller and two specs, as `nest g resource` lays them out).
// Built once with the app's own `npm run build`, so it is a valid app, then cached by
// test/support/app-recipes.ts under a key that hashes LARGE_APP.recipe.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { mustRun } from './runtime-apps.mjs';

const DOMAINS = ['accounts', 'billing', 'catalog', 'inventory', 'orders', 'shipping', 'support', 'reports', 'marketing', 'identity'];
const FEATURES = [
  'addresses', 'audits', 'batches', 'budgets', 'campaigns', 'contacts', 'contracts', 'coupons', 'devices',
  'discounts', 'documents', 'exports', 'imports', 'invoices', 'labels', 'notes', 'payments', 'profiles',
  'quotas', 'refunds', 'regions', 'schedules', 'settings', 'tags', 'tickets',
];

/** Bump `revision` whenever the files written below change: it is part of the cache key. */
export const LARGE_APP = {
  name: 'large',
  recipe: { revision: 1, domains: DOMAINS, features: FEATURES },
  extend: growApp,
};

/** Counts of what growApp writes, for the bench's table. */
export const LARGE_APP_SIZE = {
  modules: DOMAINS.length * (FEATURES.length + 1),
  files: DOMAINS.length * (FEATURES.length * 5 + 1),
};

async function growApp(app) {
  for (const domain of DOMAINS) {
    const features = FEATURES.map((feature) => names(`${domain}-${feature}`));
    for (const feature of features) {
      const folder = path.join(app, 'src', domain, feature.file);
      await mkdir(folder, { recursive: true });
      for (const [suffix, text] of Object.entries(featureFiles(feature))) {
        await writeFile(path.join(folder, `${feature.file}.${suffix}`), text);
      }
    }
    await writeFile(path.join(app, 'src', domain, `${domain}.module.ts`), moduleFile(names(domain), features.map((feature) => [feature, `./${feature.file}/${feature.file}.module.js`])));
  }
  const appModule = `import { Module } from '@nestjs/common';
import { AppController } from './app.controller.js';
import { AppService } from './app.service.js';
${DOMAINS.map((domain) => `import { ${names(domain).className}Module } from './${domain}/${domain}.module.js';`).join('\n')}

@Module({
  imports: [${DOMAINS.map((domain) => `${names(domain).className}Module`).join(', ')}],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`;
  await writeFile(path.join(app, 'src/app.module.ts'), appModule);
  // Proves the shape is a valid app (every import resolves, every class compiles); the output is
  // not needed afterwards.
  await mustRun(app, 'npm', ['run', 'build']);
  await rm(path.join(app, 'dist'), { recursive: true, force: true });
}

function names(kebab) {
  const className = kebab.replace(/(^|-)(\w)/g, (_, __, letter) => letter.toUpperCase());
  return { file: kebab, className, property: className[0].toLowerCase() + className.slice(1) };
}

function moduleFile({ className }, imported) {
  return `import { Module } from '@nestjs/common';
${imported.map(([feature, from]) => `import { ${feature.className}Module } from '${from}';`).join('\n')}

@Module({
  imports: [
${imported.map(([feature]) => `    ${feature.className}Module,`).join('\n')}
  ],
})
export class ${className}Module {}
`;
}

function featureFiles({ file, className, property }) {
  return {
    'module.ts': `import { Module } from '@nestjs/common';
import { ${className}Controller } from './${file}.controller.js';
import { ${className}Service } from './${file}.service.js';

@Module({
  controllers: [${className}Controller],
  providers: [${className}Service],
  exports: [${className}Service],
})
export class ${className}Module {}
`,
    'service.ts': `import { Injectable, NotFoundException } from '@nestjs/common';

export interface ${className}Record {
  id: number;
  name: string;
}

@Injectable()
export class ${className}Service {
  private readonly records = new Map<number, ${className}Record>();

  findAll(): ${className}Record[] {
    return [...this.records.values()];
  }

  findOne(id: number): ${className}Record {
    const record = this.records.get(id);
    if (!record) {
      throw new NotFoundException(\`${file} #\${id} not found\`);
    }
    return record;
  }

  create(name: string): ${className}Record {
    const record = { id: this.records.size + 1, name };
    this.records.set(record.id, record);
    return record;
  }
}
`,
    'controller.ts': `import { Body, Controller, Get, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ${className}Service } from './${file}.service.js';

@Controller('${file}')
export class ${className}Controller {
  constructor(private readonly ${property}Service: ${className}Service) {}

  @Get()
  findAll() {
    return this.${property}Service.findAll();
  }

  @Get(':id')
  findOne(@Param('id', ParseIntPipe) id: number) {
    return this.${property}Service.findOne(id);
  }

  @Post()
  create(@Body('name') name: string) {
    return this.${property}Service.create(name);
  }
}
`,
    'service.spec.ts': `import { Test, TestingModule } from '@nestjs/testing';
import { ${className}Service } from './${file}.service.js';

describe('${className}Service', () => {
  let service: ${className}Service;

  beforeEach(async () => {
    const module: TestingModule = await Test.createTestingModule({
      providers: [${className}Service],
    }).compile();

    service = module.get<${className}Service>(${className}Service);
  });

  it('creates and finds a record', () => {
    const created = service.create('first');
    expect(service.findOne(created.id)).toEqual(created);
  });
});
`,
    'controller.spec.ts': `import { Test, TestingModule } from '@nestjs/testing';
import { ${className}Controller } from './${file}.controller.js';
import { ${className}Service } from './${file}.service.js';

describe('${className}Controller', () => {
  let controller: ${className}Controller;

  beforeEach(async () => {
    const module: TestingModule = await Test.createTestingModule({
      controllers: [${className}Controller],
      providers: [${className}Service],
    }).compile();

    controller = module.get<${className}Controller>(${className}Controller);
  });

  it('lists nothing at first', () => {
    expect(controller.findAll()).toEqual([]);
  });
});
`,
  };
}
